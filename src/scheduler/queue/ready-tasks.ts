import type { TaskState } from "../../core/state-machine.js";
import type { Task } from "../../core/task.js";

/**
 * The submitted tasks a worker should put on the queue now: never started (NEW), and every
 * dependency DONE. Tasks already started are not re-enqueued here: a started task's own job is
 * retried when its worker dies, and a task a human has reviewed is re-submitted explicitly.
 * Highest priority first, then submission order.
 */
export function readyToEnqueue(
  tasks: readonly Task[],
  statusOf: (taskId: string) => TaskState,
  submitted: ReadonlySet<string>,
): Task[] {
  return tasks
    .filter(
      (t) =>
        submitted.has(t.id) &&
        statusOf(t.id) === "NEW" &&
        t.dependsOn.every((d) => statusOf(d) === "DONE"),
    )
    .map((t, i) => ({ t, i }))
    .sort((a, b) => b.t.priority - a.t.priority || a.i - b.i)
    .map(({ t }) => t);
}

/** Dependencies of `task` that are not DONE yet, for `submit`'s summary. */
export function waitingFor(task: Task, statusOf: (taskId: string) => TaskState): string[] {
  return task.dependsOn.filter((d) => statusOf(d) !== "DONE");
}
