import type { Task } from "../core/task.js";

/**
 * Orders tasks for a batch: dependencies first, then higher priority, then file order.
 * Cycles are refused when the configuration loads, so every task gets a place.
 */
export function batchOrder(tasks: readonly Task[]): Task[] {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const position = new Map(tasks.map((t, i) => [t.id, i]));
  const done = new Set<string>();
  const order: Task[] = [];
  const ready = (t: Task): boolean => t.dependsOn.every((d) => done.has(d) || !byId.has(d));
  while (order.length < tasks.length) {
    const candidates = tasks
      .filter((t) => !done.has(t.id) && ready(t))
      .sort(
        (a, b) => b.priority - a.priority || (position.get(a.id) ?? 0) - (position.get(b.id) ?? 0),
      );
    const next = candidates[0];
    if (!next) break;
    done.add(next.id);
    order.push(next);
  }
  return order;
}
