import type { GateCheckResult } from "../core/events.js";
import type { CodeReview, PlanReview } from "../core/review.js";
import {
  code,
  codeBlock,
  count,
  duration,
  inline,
  shortSha,
  table,
  timestamp,
  usd,
} from "./markdown.js";
import type {
  ModelCall,
  PlanRound,
  StepAttempt,
  StepHistory,
  TaskHistory,
} from "./task-history.js";
import { totalsOf } from "./task-history.js";

function scores(scored: Readonly<Record<string, unknown>>, keys: readonly string[]): string {
  const parts = keys.flatMap((k) => {
    const v = scored[k];
    return typeof v === "number" || typeof v === "string" ? [`${k.replace(/_/g, " ")} ${v}`] : [];
  });
  return parts.length === 0 ? "" : ` (${parts.join(", ")})`;
}

function bullets(indent: string, label: string, items: readonly string[]): string[] {
  return items.map((i) => `${indent}- ${label}${inline(i)}`);
}

function outcomeLine(h: TaskHistory): string {
  const v = h.view;
  if (v.status === "AWAITING_HUMAN_REVIEW" && v.escalation) {
    return `**${v.status}** — ${v.escalation.reason}: ${inline(v.escalation.detail)}`;
  }
  return `**${v.status}**`;
}

function header(h: TaskHistory): string[] {
  const t = h.task;
  const ws = h.view.workspace;
  const lines = [`## ${h.taskId}${t ? ` — ${inline(t.goal, 100)}` : ""}`, ""];
  if (t) {
    lines.push(`- **Goal:** ${inline(t.goal, 1000)}`);
    lines.push(`- **Risk / area:** ${t.risk} / ${t.area}`);
  }
  lines.push(`- **Outcome:** ${outcomeLine(h)}`);
  if (ws) lines.push(`- **Branch:** ${code(ws.branch)} from ${code(shortSha(ws.baseSha))}`);
  if (h.firstAt !== undefined && h.lastAt !== undefined) {
    lines.push(
      `- **Events:** ${timestamp(h.firstAt)} to ${timestamp(h.lastAt)} ` +
        `(${duration(h.lastAt - h.firstAt)})`,
    );
  }
  if (h.runIds.length > 0) lines.push(`- **Runs:** ${h.runIds.map((r) => code(r)).join(", ")}`);
  return lines;
}

function planReviewLines(reviewer: string, review: PlanReview): string[] {
  const r = review.review;
  return [
    `- Review by ${code(reviewer)}: **${review.status}**` +
      scores(r, ["completeness", "feasibility", "risk_assessment"]),
    ...bullets("  ", "Missing step: ", r.missing_steps),
    ...bullets("  ", "Concern: ", r.concerns),
    ...bullets("  ", "Suggestion: ", r.suggestions),
  ];
}

function stepOutcome(h: TaskHistory, stepId: string): string {
  const step = h.steps.get(stepId);
  if (step?.commit)
    return step.commit.skipped ? "skipped" : `committed ${shortSha(step.commit.sha)}`;
  const view = h.view.steps.find((s) => s.id === stepId);
  return view?.status ?? "not started";
}

function planSection(h: TaskHistory): string[] {
  if (h.plans.length === 0) return ["### Plan", "", "No plan was recorded in these events."];
  const lines = ["### Plan", ""];
  h.plans.forEach((p: PlanRound) => {
    lines.push(`**Round ${p.round}** — plan by ${code(p.author)}, ${p.plan.steps.length} step(s)`);
    lines.push("");
    for (const r of p.reviews) lines.push(...planReviewLines(r.reviewer, r.review));
    if (p.reviews.length === 0) lines.push("- Not reviewed.");
    lines.push("");
  });
  const final = h.plans.at(-1);
  if (!final) return lines;
  lines.push(`Final plan (round ${final.round}, by ${code(final.author)}):`, "");
  lines.push(
    table(
      ["Step", "Type", "Risk", "Complexity", "Description", "Outcome"],
      final.plan.steps.map((s) => [
        s.id,
        s.type,
        s.risk,
        s.estimated_complexity,
        s.description,
        stepOutcome(h, s.id),
      ]),
    ),
  );
  if (final.plan.rollback_strategy !== undefined) {
    lines.push("", `Rollback strategy: ${inline(final.plan.rollback_strategy)}`);
  }
  return lines;
}

function codeReviewLines(reviewer: string, review: CodeReview): string[] {
  const r = review.review;
  return [
    `  - Code review by ${code(reviewer)}: **${review.status}**` +
      scores(r, ["correctness", "code_quality", "test_coverage"]),
    ...bullets("    ", "Required: ", r.required_changes),
    ...bullets("    ", "Security: ", r.security_issues),
    ...bullets("    ", "Performance: ", r.performance_concerns),
  ];
}

function checkLine(c: GateCheckResult): string {
  const how = c.passed
    ? "passed"
    : c.timedOut
      ? "timed out"
      : `failed (exit ${c.exitCode === null ? "none" : String(c.exitCode)})`;
  return `${c.name} ${how} in ${duration(c.durationMs)}`;
}

function gateLines(gate: NonNullable<StepAttempt["gate"]>): string[] {
  const checks = gate.checks.map(checkLine).join("; ");
  const lines = [
    `  - Quality gate ${gate.level}` +
      (gate.levelReason === undefined ? "" : ` (${gate.levelReason})`) +
      `: **${gate.passed ? "passed" : "failed"}**` +
      (checks === "" ? " (no checks)" : ` — ${checks}`),
  ];
  for (const c of gate.checks.filter((ch) => !ch.passed && ch.summary.trim() !== "")) {
    lines.push(`    - ${code(c.name)}:`, "", codeBlock(c.summary, "      "), "");
  }
  return lines;
}

function attemptLines(a: StepAttempt): string[] {
  const impl = a.implementation;
  let head = `- **Attempt ${a.attempt}** by ${a.implementer ? code(a.implementer) : "unknown"}`;
  if (a.feedback !== undefined) head += `, with feedback: ${inline(a.feedback, 160)}`;
  const lines = [head];
  if (impl?.ok) {
    const files = impl.filesChanged.map((f) => code(f)).join(", ");
    lines.push(`  - Changed ${impl.filesChanged.length} file(s)${files ? `: ${files}` : ""}`);
    if (impl.summary.trim() !== "") lines.push(`  - Summary: ${inline(impl.summary, 200)}`);
  } else if (impl) {
    lines.push(`  - Implementation failed: ${inline(impl.error ?? "", 300)}`);
  }
  for (const r of a.reviews) lines.push(...codeReviewLines(r.reviewer, r.review));
  if (a.gate) lines.push(...gateLines(a.gate));
  return lines;
}

function stepSection(h: TaskHistory, step: StepHistory): string[] {
  const planned = h.plans.at(-1)?.plan.steps.find((s) => s.id === step.id);
  const lines = [`#### ${step.id}${planned ? ` — ${inline(planned.description, 100)}` : ""}`, ""];
  if (step.attempts.length === 0 && !step.commit) return [...lines, "Not started."];
  for (const a of step.attempts) lines.push(...attemptLines(a));
  if (step.commit?.skipped) lines.push("- **Skipped** by a human decision; nothing committed.");
  else if (step.commit) {
    lines.push(`- **Committed** ${code(shortSha(step.commit.sha))} ${inline(step.commit.message)}`);
  }
  return lines;
}

function milestoneSection(h: TaskHistory): string[] {
  const lines = ["### Escalations and human decisions", ""];
  if (h.milestones.length === 0) return [...lines, "None."];
  for (const m of h.milestones) {
    const where = m.stepId === undefined ? "" : ` (${m.stepId})`;
    lines.push(`- ${timestamp(m.at)} **${m.kind}**${where}: ${inline(m.text, 1000)}`);
  }
  return lines;
}

function callRow(c: ModelCall, i: number): string[] {
  const b = c.call;
  return [
    String(i + 1),
    b.role,
    b.model,
    b.stepId ?? "-",
    b.attempt === undefined ? "-" : String(b.attempt),
    count(b.usage.input),
    count(b.usage.output),
    `${count(b.usage.cacheRead)} / ${count(b.usage.cacheWrite)}`,
    usd(b.costUsd),
    duration(b.durationMs),
    b.ok ? "ok" : `failed: ${b.error ?? ""}`,
  ];
}

function byModelTable(calls: readonly ModelCall[]): string {
  const groups = new Map<string, ModelCall[]>();
  for (const c of calls) {
    const key = `${c.call.model}\u0000${c.call.role}`;
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  const rows = [...groups.values()].map((group) => {
    const first = group[0]?.call;
    const t = totalsOf(group);
    return [
      first?.model ?? "",
      first?.role ?? "",
      String(t.calls),
      count(t.input),
      count(t.output),
    ].concat([usd(t.costUsd), duration(t.durationMs)]);
  });
  return table(["Model", "Role", "Calls", "Tokens in", "Tokens out", "Cost", "Model time"], rows);
}

function callsSection(h: TaskHistory): string[] {
  const lines = ["### Model calls", ""];
  if (h.calls.length === 0) return [...lines, "None."];
  const header = ["#", "Role", "Model", "Step", "Attempt", "Tokens in", "Tokens out"];
  header.push("Cache read / write", "Cost", "Duration", "Result");
  lines.push(table(header, h.calls.map(callRow)));
  const kept = h.calls.flatMap((c, i) =>
    c.call.transcript === undefined ? [] : [`- #${String(i + 1)}: ${code(c.call.transcript)}`],
  );
  if (kept.length > 0) lines.push("", "Raw transcripts:", "", ...kept);
  lines.push("", "By model:", "", byModelTable(h.calls));
  const t = totalsOf(h.calls);
  lines.push(
    "",
    `**Totals:** ${t.calls} call(s)${t.failed > 0 ? ` (${t.failed} failed)` : ""}, ` +
      `${count(t.input)} tokens in, ${count(t.output)} out, ${count(t.cacheRead)} cache read, ` +
      `${count(t.cacheWrite)} cache write; cost ${usd(t.costUsd)}; model time ${duration(t.durationMs)}`,
  );
  return lines;
}

/** One task's section of the run log. */
export function renderTask(h: TaskHistory): string {
  const lines = [...header(h), "", ...planSection(h), "", "### Steps", ""];
  const steps = [...h.steps.values()];
  if (steps.length === 0) lines.push("No steps.", "");
  for (const step of steps) lines.push(...stepSection(h, step), "");
  lines.push(...milestoneSection(h), "", ...callsSection(h));
  return lines.join("\n");
}
