import type { Risk } from "../core/task.js";

/** A test that fails on HEAD in the gate's baseline. */
export interface FailingTestFinding {
  readonly kind: "failing-test";
  readonly check: string;
  readonly test: string;
  readonly file?: string | undefined;
  readonly message?: string | undefined;
}

/** Warnings a check reports on HEAD, for one file. */
export interface WarningsFinding {
  readonly kind: "warnings";
  readonly check: string;
  readonly file: string;
  readonly count: number;
  readonly rules: readonly string[];
  /** The first warning, `line: rule message`. */
  readonly first: string;
}

/** A file whose line coverage on HEAD is under the coverage target. */
export interface CoverageFinding {
  readonly kind: "low-coverage";
  readonly check: string;
  readonly file: string;
  readonly percent: number;
  readonly target: number;
}

/** A TODO, FIXME or XXX comment in a tracked file. */
export interface TodoFinding {
  readonly kind: "todo";
  readonly file: string;
  readonly line: number;
  readonly tag: "TODO" | "FIXME" | "XXX";
  readonly text: string;
}

/** A task of the history that failed or waits for a human after an escalation. */
export interface TaskHistoryFinding {
  readonly kind: "task-history";
  readonly taskId: string;
  readonly state: "FAILED" | "ESCALATED";
  readonly reason: string;
  readonly detail: string;
  readonly goal?: string | undefined;
  readonly risk?: Risk | undefined;
  readonly area?: string | undefined;
  readonly files: readonly string[];
}

/** Something on HEAD or in the history that may be worth a task. */
export type Finding =
  FailingTestFinding | WarningsFinding | CoverageFinding | TodoFinding | TaskHistoryFinding;

/** One line saying what a finding is and where it was seen, for a proposal's evidence. */
export function describeFinding(f: Finding): string {
  switch (f.kind) {
    case "failing-test":
      return `${f.check}: test ${f.test}${f.file === undefined ? "" : ` (${f.file})`} fails on HEAD${
        f.message === undefined ? "" : `: ${firstLine(f.message)}`
      }`;
    case "warnings":
      return `${f.check}: ${f.count} warning${f.count === 1 ? "" : "s"} in ${f.file} on HEAD (${f.rules.join(", ")}); first: ${f.first}`;
    case "low-coverage":
      return `${f.check}: ${f.file} has ${f.percent.toFixed(1)}% line coverage, under the ${f.target}% target`;
    case "todo":
      return `${f.file}:${f.line}: ${f.tag} ${f.text}`.trimEnd();
    case "task-history":
      return `task ${f.taskId} ${f.state === "FAILED" ? "failed" : "was escalated"} (${f.reason}): ${firstLine(f.detail)}`;
  }
}

/** The first non-empty line of `text`, at most 200 characters. */
export function firstLine(text: string): string {
  const line = text.split("\n").find((l) => l.trim() !== "") ?? "";
  const trimmed = line.trim();
  return trimmed.length > 200 ? `${trimmed.slice(0, 197)}...` : trimmed;
}
