import type { StoredEvent } from "../core/events.js";
import type { TaskView } from "../core/projection.js";
import type { Task } from "../core/task.js";
import type { TaskSummary } from "./api-types.js";

/** A task's definition: the one given, else the one its `task.registered` event recorded. */
export function taskDefinition(
  taskId: string,
  task: Task | undefined,
  events: readonly StoredEvent[],
): Task | undefined {
  if (task) return task;
  for (const e of events) if (e.body.type === "task.registered") return e.body.task;
  return undefined;
}

/** One row of the overview, from the task's projected view. */
export function summarizeTask(task: Task | undefined, view: TaskView): TaskSummary {
  const running =
    view.status === "IMPLEMENTING" ||
    view.status === "CODE_REVIEW" ||
    view.status === "QUALITY_GATE";
  return {
    id: view.taskId,
    goal: task?.goal ?? "",
    risk: task?.risk ?? "",
    area: task?.area ?? "",
    state: view.status,
    step: view.currentStepId ?? null,
    stepPhase: running ? view.status : null,
    stepsDone: view.steps.filter((s) => s.status === "committed" || s.status === "skipped").length,
    stepsTotal: view.steps.length,
    costUsd: Math.round(view.costUsd * 1e6) / 1e6,
    reason: view.escalation ? `${view.escalation.reason}: ${view.escalation.detail}` : null,
    updatedAt: view.updatedAt ?? null,
  };
}
