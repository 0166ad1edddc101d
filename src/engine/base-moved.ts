import type { EventListener } from "../core/event-listener.js";
import type { Store } from "../core/ports.js";
import type { TaskView } from "../core/projection.js";
import type { Task } from "../core/task.js";
import { baseMergeStep } from "./merge-step.js";
import { TaskRecorder } from "./task-recorder.js";

/** The branch a DONE task lands into, and where its merge with the task's branch conflicts. */
export interface MovedBase {
  readonly branch: string;
  /** The branch's tip the task's branch is to take in. */
  readonly sha: string;
  readonly conflicts: readonly string[];
}

/**
 * Reopens a DONE task whose branch conflicts with the branch it lands into: records a merge
 * step for `base` (BASE_MOVED, DONE -> PLANNED), which the engine then runs like the merge of
 * a conflicting dependency (implementer, code review against both sides, gate, merge commit).
 * @returns the task's view after the event.
 */
export async function reopenForMovedBase(
  store: Store,
  task: Task,
  base: MovedBase,
  listener?: EventListener,
): Promise<TaskView> {
  const recorder = await TaskRecorder.open(store, task.id, null, listener);
  const existing = Object.keys(recorder.view.baseMerges ?? {}).length;
  await recorder.transition({
    type: "BASE_MOVED",
    branch: base.branch,
    sha: base.sha,
    step: baseMergeStep(base.branch, base.sha, base.conflicts, existing),
  });
  return recorder.view;
}
