import type { TaskState } from "../core/state-machine.js";
import type { Task } from "../core/task.js";

/** Where a dependency stands, as the scheduler sees it. */
export type DependencyStatus = TaskState | "running" | "pending";

/** A task that cannot start in this run, and the dependencies that keep it waiting. */
export interface BlockedTask {
  readonly task: Task;
  /** Each dependency that did not end DONE, with its state. */
  readonly waitingFor: readonly { readonly id: string; readonly status: DependencyStatus }[];
}

/** Pending tasks split into those that may start now, those still waiting, those that never can. */
export interface Readiness {
  /** Every dependency is DONE; higher `priority` first, then file order. */
  readonly ready: readonly Task[];
  /** Some dependency is still pending or running in this batch. */
  readonly waiting: readonly Task[];
  /** Some dependency ended (or stands) in a state other than DONE and will not run here. */
  readonly blocked: readonly BlockedTask[];
}

/**
 * Splits `pending` (in file order) by the status of their dependencies. `statusOf` answers for
 * every task id: `pending`/`running` for tasks of this batch not yet finished, else the task's
 * state (NEW for a task never run). Pure, so the single-process scheduler and queue workers on
 * many machines decide alike.
 */
export function classifyPending(
  pending: readonly Task[],
  statusOf: (taskId: string) => DependencyStatus,
): Readiness {
  const position = new Map(pending.map((t, i) => [t.id, i]));
  const ready: Task[] = [];
  const waiting: Task[] = [];
  const blocked: BlockedTask[] = [];
  for (const task of pending) {
    const deps = task.dependsOn.map((id) => ({ id, status: statusOf(id) }));
    const notDone = deps.filter((d) => d.status !== "DONE");
    if (notDone.length === 0) ready.push(task);
    else if (notDone.some((d) => d.status === "pending" || d.status === "running"))
      waiting.push(task);
    else blocked.push({ task, waitingFor: notDone });
  }
  ready.sort(
    (a, b) => b.priority - a.priority || (position.get(a.id) ?? 0) - (position.get(b.id) ?? 0),
  );
  return { ready, waiting, blocked };
}

/**
 * Orders tasks for display or a one-lane run: dependencies first, then higher priority, then
 * file order. Cycles are refused when the configuration loads, so every task gets a place.
 */
export function dependencyOrder(tasks: readonly Task[]): Task[] {
  const inBatch = new Set(tasks.map((t) => t.id));
  const placed = new Set<string>();
  const order: Task[] = [];
  let pending = [...tasks];
  while (pending.length > 0) {
    const { ready } = classifyPending(pending, (id) =>
      placed.has(id) || !inBatch.has(id) ? "DONE" : "pending",
    );
    const next = ready[0];
    if (!next) break;
    placed.add(next.id);
    order.push(next);
    pending = pending.filter((t) => t !== next);
  }
  return order;
}
