import type { Plan, PlanStep } from "../core/plan.js";
import type { CheckSpec, ReportFormat } from "../core/project-config.js";
import type { Task } from "../core/task.js";
import { parseConstraint } from "../core/task.js";
import type { ContextFile, SkippedFile } from "./context-files.js";

/**
 * What the configured quality gate can enforce; a constraint is labelled machine-checked only
 * when a configured check backs it.
 */
export interface GateCapabilities {
  /** A check reports warnings (eslint-json, tsc, ruff-json, mypy, generic): ZERO-WARNINGS. */
  readonly warnings: boolean;
  /** A check reports coverage (lcov, istanbul-summary, cobertura): NN%+ test coverage. */
  readonly coverage: boolean;
  /** A tests or breaking check: existing tests must keep passing (NO BREAKING CHANGES). */
  readonly breaking: boolean;
}

const WARNING_FORMATS: ReadonlySet<ReportFormat> = new Set([
  "eslint-json",
  "tsc",
  "ruff-json",
  "mypy",
  "generic",
]);
const COVERAGE_FORMATS: ReadonlySet<ReportFormat> = new Set([
  "lcov",
  "istanbul-summary",
  "cobertura",
]);

/** What the gate with these checks can enforce. */
export function gateCapabilities(checks: Iterable<CheckSpec>): GateCapabilities {
  const all = [...checks];
  const formats = all.flatMap((c) => (c.reports ?? []).map((r) => r.format));
  return {
    warnings: formats.some((f) => WARNING_FORMATS.has(f)),
    coverage: formats.some((f) => COVERAGE_FORMATS.has(f)),
    breaking: all.some((c) => c.kind === "tests" || c.kind === "breaking"),
  };
}

/**
 * The part of a task every role sees. A full {@link Task} fits; `gate` says what the configured
 * checks enforce (absent: nothing, every constraint is a guideline).
 */
export type TaskBrief = Pick<Task, "id" | "goal" | "risk" | "area" | "constraints"> & {
  readonly gate?: GateCapabilities | undefined;
};

/** Where feedback for a new attempt comes from; it decides the heading the model sees. */
export type FeedbackSource =
  "code_review" | "quality_gate" | "edit_errors" | "human" | "previous_attempt";

/** Findings from an earlier attempt that the next one must address. */
export interface Feedback {
  readonly source: FeedbackSource;
  readonly text: string;
}

const FEEDBACK_TITLES: Record<FeedbackSource, string> = {
  code_review: "Code review findings (each required change must be addressed)",
  quality_gate:
    "Quality gate failures (what your change broke compared with the base commit; failures that were already there are not listed)",
  edit_errors: "Your previous edits could not be applied (nothing from that answer was written)",
  human: "Feedback from a human reviewer",
  previous_attempt: "Feedback from the previous attempt",
};

/** A constraint as templates show it: the user's words and what enforces them. */
export interface ConstraintView {
  readonly text: string;
  readonly label: string;
  readonly machineChecked: boolean;
}

const GUIDELINE = "guideline, judged by the reviewers";

/**
 * Labels the constraints the configured quality gate checks by itself; the rest, and those no
 * configured check backs, are guidelines.
 */
export function describeConstraints(
  constraints: readonly string[],
  gate: GateCapabilities = { warnings: false, coverage: false, breaking: false },
): ConstraintView[] {
  const unchecked = (text: string, what: string): ConstraintView => ({
    text,
    label: `${GUIDELINE} (no configured check ${what})`,
    machineChecked: false,
  });
  return constraints.map((text) => {
    const c = parseConstraint(text);
    switch (c.kind) {
      case "zero-warnings":
        if (!gate.warnings) return unchecked(text, "reports warnings");
        return {
          text,
          label:
            "machine-checked: ZERO-WARNINGS — no new compiler, linter or type-checker warnings",
          machineChecked: true,
        };
      case "coverage":
        if (!gate.coverage) return unchecked(text, "reports coverage");
        return {
          text,
          label: `machine-checked: COVERAGE >= ${c.minPercent}%`,
          machineChecked: true,
        };
      case "no-breaking-changes":
        if (!gate.breaking) return unchecked(text, "runs the tests");
        return {
          text,
          label: "machine-checked: NO BREAKING CHANGES — existing public API must keep working",
          machineChecked: true,
        };
      case "free-text":
        return { text, label: GUIDELINE, machineChecked: false };
    }
  });
}

/** The task as templates show it. */
export function taskView(task: TaskBrief): object {
  return {
    id: task.id,
    goal: task.goal,
    risk: task.risk,
    area: task.area,
    constraints: describeConstraints(task.constraints, task.gate),
  };
}

/** A Markdown fence longer than any backtick run in `content`, so quoting cannot break out. */
export function fenceFor(content: string): string {
  let longest = 0;
  for (const m of content.matchAll(/`{3,}/g)) longest = Math.max(longest, m[0].length);
  return "`".repeat(Math.max(3, longest + 1));
}

/** `text` ending in a line break (unless empty), so that a closing fence after it starts a line. */
export function withFinalNewline(text: string): string {
  return text === "" || text.endsWith("\n") ? text : `${text}\n`;
}

/**
 * Files as templates show them, each with a safe fence; `body` is the content ending in exactly
 * the line breaks it has, plus one when it lacks a last one, so the closing fence starts a line.
 */
export function filesView(files: readonly ContextFile[]): object[] {
  return files.map((f) => ({
    path: f.path,
    body: withFinalNewline(f.content),
    truncated: f.truncated,
    fence: fenceFor(f.content),
  }));
}

/** Most notes listed about left-out files; the rest are counted. */
const MAX_NOTES = 30;

/** Human-readable notes about files that were left out of a prompt, at most thirty. */
export function leftOutNotes(left: {
  readonly omitted?: readonly string[];
  readonly missing?: readonly string[];
  readonly skipped?: readonly SkippedFile[];
}): string[] {
  const notes = [
    ...(left.missing ?? []).map((p) => `${p}: no such file or folder`),
    ...(left.skipped ?? []).map((s) => `${s.path}: ${s.reason}`),
    ...(left.omitted ?? []).map((p) => `${p}: omitted, the context budget was used up`),
  ];
  if (notes.length <= MAX_NOTES) return notes;
  return [
    ...notes.slice(0, MAX_NOTES - 1),
    `… and ${notes.length - MAX_NOTES + 1} more files left out`,
  ];
}

/** One step as templates show it; absent optional fields are null (templates see no undefined). */
export function stepView(step: PlanStep): object {
  return {
    id: step.id,
    type: step.type,
    description: step.description,
    risk: step.risk,
    complexity: step.estimated_complexity,
    filesToRead: step.files_to_read,
    filesToCreate: step.files_to_create,
    filesToModify: step.files_to_modify,
    testsRequired: step.tests_required,
    commands: step.commands,
    coverageTarget: step.coverage_target ?? null,
  };
}

/** The plan as a short outline, one line per step, the current one marked. */
export function planOutline(plan: Plan, currentStepId?: string): string {
  return plan.steps
    .map(
      (s) =>
        `${s.id === currentStepId ? "->" : "  "} ${s.id} [${s.type}, ${s.risk} risk] ${s.description}`,
    )
    .join("\n");
}

/** Feedback as templates show it: a heading and the text, empty ones dropped. */
export function feedbackView(feedback: readonly Feedback[] | undefined): object[] {
  return (feedback ?? [])
    .filter((f) => f.text.trim() !== "")
    .map((f) => ({ title: FEEDBACK_TITLES[f.source], text: f.text.trim() }));
}
