import type { StoredEvent } from "../../core/events.js";
import type { TaskView } from "../../core/projection.js";
import type { Task } from "../../core/task.js";
import { issueOfTask } from "./issue-task.js";

/** Marks a PR (or comment) as the orchestrator's, so it is found and updated, never duplicated. */
export const taskMarker = (taskId: string): string => `<!-- orchestrator:task ${taskId} -->`;

interface StepRecord {
  summary?: string;
  implementer?: string;
  reviews: string[];
  gate?: string;
  commit?: string;
  attempts: number;
}

function familiesOf(events: readonly StoredEvent[]): Map<string, string> {
  const families = new Map<string, string>();
  for (const e of events)
    if (e.body.type === "model.call") families.set(e.body.model, e.body.family);
  return families;
}

function stepRecords(events: readonly StoredEvent[], families: Map<string, string>) {
  const steps = new Map<string, StepRecord>();
  const of = (id: string): StepRecord => {
    let s = steps.get(id);
    if (!s) steps.set(id, (s = { reviews: [], attempts: 0 }));
    return s;
  };
  const who = (model: string): string => `${model} (${families.get(model) ?? "?"})`;
  for (const { body: b } of events) {
    if (b.type === "step.attempt") {
      const s = of(b.stepId);
      s.attempts = Math.max(s.attempts, b.attempt);
      s.implementer = who(b.implementer);
      s.reviews = [];
    } else if (b.type === "implementation.recorded" && b.ok) of(b.stepId).summary = b.summary;
    else if (b.type === "code.reviewed") {
      const changes = b.review.review.required_changes;
      of(b.stepId).reviews.push(
        `${who(b.reviewer)}: ${b.review.status}${changes.length ? ` (${changes.length} required change(s))` : ""}`,
      );
    } else if (b.type === "gate.finished") {
      const checks = b.checks
        .map((c) => `${c.name} ${c.mode === "skipped" ? "skipped" : c.passed ? "✅" : "❌"}`)
        .join(", ");
      of(b.stepId).gate =
        `${b.passed ? "passed" : "failed"} at ${b.level}${checks ? `: ${checks}` : ""}`;
    } else if (b.type === "step.committed") {
      of(b.stepId).commit = b.skipped ? "skipped" : b.sha.slice(0, 10);
    }
  }
  return steps;
}

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m ${s % 60}s`;
}

const oneLine = (text: string): string => text.replace(/\s+/g, " ").trim();

/** Whether a human decided anything on this task (its PR is then opened as a draft). */
export const neededHuman = (events: readonly StoredEvent[]): boolean =>
  events.some((e) => e.body.type === "transition" && e.body.event.type === "HUMAN_DECISION");

/** The PR title: the goal's first line, shortened. */
export function pullRequestTitle(task: Task): string {
  const first = task.goal.split("\n")[0]?.trim() ?? task.id;
  const title = first.length > 90 ? `${first.slice(0, 87)}...` : first;
  return `${task.id}: ${title}`;
}

/**
 * The PR body: goal, plan, each step's summary with who implemented it and which model of
 * which family reviewed it, the gate per step, cost and duration, and "Closes #N" for an issue.
 */
export function pullRequestBody(
  task: Task,
  view: TaskView,
  events: readonly StoredEvent[],
): string {
  const families = familiesOf(events);
  const steps = stepRecords(events, families);
  const lines: string[] = [taskMarker(task.id), "", "## Goal", "", task.goal.trim(), ""];
  if (view.plan) {
    lines.push(`## Plan (by ${view.planAuthor ?? "?"})`, "");
    for (const s of view.plan.steps)
      lines.push(`1. **${s.id}** (${s.type}, ${s.risk} risk): ${oneLine(s.description)}`);
    lines.push("");
    const reviewers = events.flatMap((e) =>
      e.body.type === "plan.reviewed" ? [`${e.body.reviewer}: ${e.body.review.status}`] : [],
    );
    if (reviewers.length) lines.push(`Plan review: ${reviewers.join("; ")}`, "");
  }
  lines.push(
    "## Steps",
    "",
    "| Step | Implemented by | Reviewed by | Gate | Commit |",
    "|---|---|---|---|---|",
  );
  for (const s of view.steps) {
    const r = steps.get(s.id);
    const review = r && r.reviews.length > 0 ? r.reviews.join("<br>") : "-";
    lines.push(
      `| ${s.id} | ${r?.implementer ?? "-"}${r && r.attempts > 1 ? ` (attempt ${r.attempts})` : ""} | ${review} | ${r?.gate ?? "-"} | ${r?.commit ?? s.status} |`,
    );
  }
  lines.push("");
  const summaries = view.steps.flatMap((s) => {
    const summary = steps.get(s.id)?.summary;
    return summary ? [`- **${s.id}**: ${oneLine(summary).slice(0, 300)}`] : [];
  });
  if (summaries.length) lines.push("### What each step did", "", ...summaries, "");
  const took =
    view.startedAt !== undefined && view.updatedAt !== undefined
      ? view.updatedAt - view.startedAt
      : 0;
  lines.push(
    `**Cost** $${view.costUsd.toFixed(4)} · **Duration** ${duration(took)} · **Model calls** ${view.modelCalls} · **Tokens** ${view.tokens.input} in / ${view.tokens.output} out`,
  );
  if (neededHuman(events))
    lines.push("", "_A human decision was needed on the way; review with care._");
  const issue = issueOfTask(task.id);
  if (issue !== undefined) lines.push("", `Closes #${issue}`);
  return `${lines.join("\n")}\n`;
}

/** The comment on an issue whose task waits for a human: reason, findings and the commands. */
export function escalationComment(view: TaskView, findings: string): string {
  const e = view.escalation;
  const step = e?.scope === "step" && view.currentStepId ? ` at step ${view.currentStepId}` : "";
  const lines = [
    taskMarker(view.taskId),
    `**${view.taskId} is waiting for a human**${step}: \`${e?.reason ?? "unknown"}\``,
    "",
    e?.detail ?? "",
  ];
  const text = findings.trim();
  if (text)
    lines.push(
      "",
      "<details><summary>Findings</summary>",
      "",
      "```",
      text.slice(0, 6000),
      "```",
      "",
      "</details>",
    );
  lines.push(
    "",
    "Reply with one of (users with write permission only):",
    `- \`/orchestrator approve\` — accept the current ${e?.scope === "step" ? "implementation" : "plan"}`,
    "- `/orchestrator retry <feedback>` — try again with your feedback",
  );
  if (e?.scope === "step") lines.push("- `/orchestrator skip` — skip this step");
  lines.push("- `/orchestrator abort` — abort the task");
  return `${lines.join("\n")}\n`;
}
