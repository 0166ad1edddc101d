import type { Store } from "../core/ports.js";
import { projectTask } from "../core/projection.js";
import type { TaskView } from "../core/projection.js";
import type { Task } from "../core/task.js";
import type { TaskHistoryFinding } from "./findings.js";

/** The files a task was about: its context files and what its plan meant to touch. */
function filesOf(task: Task, view: TaskView): string[] {
  const planned = (view.plan?.steps ?? []).flatMap((s) => [
    ...s.files_to_modify,
    ...s.files_to_create,
  ]);
  return [...new Set([...task.contextFiles, ...planned])];
}

/** A finding for a task that failed or was escalated; none for any other state. */
export function historyFinding(task: Task, view: TaskView): TaskHistoryFinding | undefined {
  const escalated = view.status === "AWAITING_HUMAN_REVIEW";
  if (view.status !== "FAILED" && !escalated) return undefined;
  return {
    kind: "task-history",
    taskId: task.id,
    state: escalated ? "ESCALATED" : "FAILED",
    reason: view.escalation?.reason ?? (escalated ? "escalated" : "failed"),
    detail: view.escalation?.detail ?? view.pendingFeedback ?? "",
    goal: task.goal,
    risk: task.risk,
    area: task.area,
    files: filesOf(task, view),
  };
}

/** Tasks of the store's history that failed or wait for a human after an escalation. */
export async function historyFindings(store: Store): Promise<TaskHistoryFinding[]> {
  const found: TaskHistoryFinding[] = [];
  for (const task of await store.listTasks()) {
    const finding = historyFinding(task, projectTask(task.id, await store.events(task.id)));
    if (finding !== undefined) found.push(finding);
  }
  return found;
}
