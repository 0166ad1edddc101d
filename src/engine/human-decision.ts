import { UserError } from "../core/errors.js";
import type { Store } from "../core/ports.js";
import type { TaskView } from "../core/projection.js";
import type { HumanDecision } from "../core/state-machine.js";
import type { Task } from "../core/task.js";
import type { Engine } from "./engine.js";

/**
 * Records a human decision on a task awaiting review (and rolls back on abort): the one code
 * path behind `orchestrator review` and the dashboard's `POST /api/tasks/:id/review`, so both
 * record the same events. The task is looked up in the configuration first, then in the store.
 */
export async function decideOnTask(
  deps: { readonly engine: Engine; readonly store: Store; readonly tasks: readonly Task[] },
  taskId: string,
  decision: HumanDecision,
  feedback?: string,
): Promise<TaskView> {
  const task = deps.tasks.find((t) => t.id === taskId) ?? (await deps.store.getTask(taskId));
  if (!task) throw new UserError(`unknown task "${taskId}"`);
  return deps.engine.decide(task, decision, feedback);
}
