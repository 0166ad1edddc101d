import type { TaskState } from "../core/state-machine.js";
import type { Task } from "../core/task.js";
import type { BlockedTask, DependencyStatus } from "./readiness.js";
import { classifyPending } from "./readiness.js";

/** How one task of the backlog ended in this run. */
export interface LaneResult {
  readonly status: TaskState;
  /** The run was interrupted while the task ran; it can be resumed. */
  readonly interrupted: boolean;
}

/** What happened to a task that threw instead of ending in a state (a system error). */
export interface LaneError {
  readonly task: Task;
  readonly error: unknown;
}

export interface BacklogOptions<R extends LaneResult> {
  /** The tasks to run, in file order. */
  readonly tasks: readonly Task[];
  /** Tasks run at once (lanes). */
  readonly jobs: number;
  /** Runs one task to its end (DONE, a human, a failure or an interruption). */
  readonly runTask: (task: Task) => Promise<R>;
  /** The state of a task outside this batch (a dependency run earlier); NEW when never run. */
  readonly stateOf: (taskId: string) => TaskState;
  /** When it aborts, no task starts any more; running ones end on their own signal. */
  readonly signal?: AbortSignal;
  /** Called once per task that cannot start because a dependency did not end DONE. */
  readonly onBlocked?: (blocked: BlockedTask) => void;
}

export interface BacklogResult<R extends LaneResult> {
  /** Outcomes in the order the tasks finished. */
  readonly outcomes: R[];
  readonly blocked: BlockedTask[];
  readonly errors: LaneError[];
  /** Tasks not started because the run was interrupted. */
  readonly notStarted: Task[];
}

/**
 * Runs a backlog in `jobs` lanes of one process: a task starts as soon as every dependency has
 * ended DONE and a lane is free (higher priority first, then file order). One task's failure,
 * escalation or error never stops the others; a task whose dependency did not end DONE is
 * reported as blocked and skipped.
 */
export async function runBacklog<R extends LaneResult>(
  options: BacklogOptions<R>,
): Promise<BacklogResult<R>> {
  const { tasks, runTask, signal } = options;
  const jobs = Math.max(1, Math.floor(options.jobs));
  const inBatch = new Set(tasks.map((t) => t.id));
  const finished = new Map<string, TaskState>();
  const running = new Map<string, Promise<void>>();
  let pending = [...tasks];
  const result: BacklogResult<R> = { outcomes: [], blocked: [], errors: [], notStarted: [] };

  const statusOf = (id: string): DependencyStatus => {
    const ended = finished.get(id);
    if (ended !== undefined) return ended;
    if (running.has(id)) return "running";
    return inBatch.has(id) ? "pending" : options.stateOf(id);
  };

  const start = (task: Task): void => {
    const lane = (async () => {
      try {
        const outcome = await runTask(task);
        result.outcomes.push(outcome);
        finished.set(task.id, outcome.status);
      } catch (error) {
        result.errors.push({ task, error });
        finished.set(task.id, "FAILED");
      } finally {
        running.delete(task.id);
      }
    })();
    running.set(task.id, lane);
  };

  for (;;) {
    const { ready, blocked } = classifyPending(pending, statusOf);
    for (const b of blocked) {
      result.blocked.push(b);
      options.onBlocked?.(b);
      finished.set(b.task.id, "NEW");
    }
    pending = pending.filter((t) => !blocked.some((b) => b.task === t));
    if (signal?.aborted !== true) {
      for (const task of ready.slice(0, jobs - running.size)) {
        pending = pending.filter((t) => t !== task);
        start(task);
      }
    }
    if (running.size === 0) break;
    await Promise.race(running.values());
  }
  result.notStarted.push(...pending);
  return result;
}
