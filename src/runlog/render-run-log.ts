import type { StoredEvent } from "../core/events.js";
import type { Task } from "../core/task.js";
import { cell, count, table, usd } from "./markdown.js";
import { renderTask } from "./render-task.js";
import { foldTaskHistory, totalsOf } from "./task-history.js";
import type { CallTotals, TaskHistory } from "./task-history.js";

/** The events of one task to put in the log, with its definition when the store has it. */
export interface RunLogTask {
  readonly task: Task | undefined;
  readonly taskId: string;
  /** In log order. */
  readonly events: readonly StoredEvent[];
}

export interface RunLogInput {
  /** What the log covers, e.g. "task T-1" or "run 4f1c… (run --batch)". */
  readonly title: string;
  readonly tasks: readonly RunLogTask[];
}

function summaryRow(h: TaskHistory, t: CallTotals): string[] {
  const committed = h.view.steps.filter((s) => s.status === "committed").length;
  return [
    h.taskId,
    h.task?.goal ?? "",
    h.view.status,
    `${committed}/${h.view.steps.length}`,
    String(t.calls),
    `${count(t.input)} / ${count(t.output)}`,
    usd(t.costUsd),
  ];
}

function summary(histories: readonly TaskHistory[]): string[] {
  const totals = histories.map((h) => totalsOf(h.calls));
  const all = totalsOf(histories.flatMap((h) => h.calls));
  return [
    "## Summary",
    "",
    table(
      ["Task", "Goal", "Outcome", "Steps committed", "Model calls", "Tokens in / out", "Cost"],
      histories.map((h, i) => summaryRow(h, totals[i] ?? all)),
    ),
    "",
    `**Total:** ${histories.length} task(s), ${all.calls} model call(s), ` +
      `${count(all.input)} tokens in, ${count(all.output)} out, ` +
      `${count(all.cacheRead)} cache read, ${count(all.cacheWrite)} cache write, ` +
      `cost ${usd(all.costUsd)}`,
  ];
}

/**
 * The Markdown audit trail of a run or a task (the seed's ORCHESTRATOR_RUN_LOG.md): per task its
 * goal, outcome and branch; each plan round with the reviewers' verdicts and findings; each
 * step's attempts with implementer, code review, gate checks and commit; every model call with
 * tokens, cost and duration; escalations and human decisions. Made only from the events given,
 * with no clock, so the same events always give the same text.
 */
export function renderRunLog(input: RunLogInput): string {
  const histories = input.tasks.map((t) => foldTaskHistory(t.taskId, t.task, t.events));
  const parts = [
    `# Orchestrator run log: ${cell(input.title, 200)}`,
    "",
    "Generated from the event log by `orchestrator log`; it can be regenerated at any time.",
    "",
  ];
  if (histories.length === 0) {
    parts.push("No task events were recorded.");
    return `${parts.join("\n")}\n`;
  }
  parts.push(...summary(histories));
  for (const h of histories) parts.push("", "---", "", renderTask(h));
  return `${parts.join("\n")}\n`;
}
