import { mkdir } from "node:fs/promises";
import { UserError } from "../core/errors.js";
import type { GateCheckResult } from "../core/events.js";
import type { GateOutcomeWith } from "../core/gate-port.js";
import type { ProcessRunner } from "../core/ports.js";
import type { CheckSpec, QualityConfig, QualityLevel } from "../core/project-config.js";
import type { WorkingChange } from "./change.js";
import { compareCheck, type CheckRunData } from "./compare-check.js";
import { capLines, cleanLines, condenseOutput, DEFAULT_MAX_LINES, tailLines } from "./condense.js";
import {
  combinedOutput,
  ending,
  executeCheck,
  runCommand,
  seconds,
  type Execution,
} from "./execute-check.js";
import { findingsHeadline, formatFindings } from "./findings-text.js";
import { isDocFile } from "./levels.js";
import { SETUP_TIMEOUT_MS } from "./baseline.js";
import { SetupLeftovers } from "./setup-leftovers.js";

/** Lines of output shown under a timeout or a missing command. */
const TAIL_LINES = 10;

/** What the quality gate needs to check one worktree. */
export interface GateInput {
  /** The worktree; every check runs here. */
  readonly cwd: string;
  readonly quality: QualityConfig;
  readonly level: QualityLevel;
  readonly runner: ProcessRunner;
  /** Full logs are written here, one file per check: `<check>.log`. */
  readonly logDir: string;
  /** Aborting kills the running check and makes {@link runGate} throw the abort reason. */
  readonly signal?: AbortSignal | undefined;
  /** Variables for every check, under each check's own `env`. */
  readonly env?: Readonly<Record<string, string>> | undefined;
  /**
   * Compare checks that have reports with a baseline (docs/GATE.md). Absent: every check is
   * decided by its exit code alone.
   */
  readonly compare?: GateComparison | undefined;
}

/** What a gate run is compared with. */
export interface GateComparison {
  readonly baseSha: string;
  /** The base commit's runs of the checks with reports, by check name. */
  readonly baseline: ReadonlyMap<string, CheckRunData>;
  /** The working tree against the base commit. */
  readonly change: WorkingChange;
  /** SMALL: checks with a `related` command run it, when source files changed. */
  readonly related: boolean;
  /** The task's `NN%+ test coverage`, applied on this run. */
  readonly coverageMinPct?: number | undefined;
  /** The task's ZERO-WARNINGS. */
  readonly zeroWarnings?: boolean | undefined;
}

/** The verdict of the gate at one level: the level that ran and whether a `breaking` check failed. */
export type LevelOutcome = GateOutcomeWith<"level" | "breaking">;

/** A check's result with what the feedback heading needs beyond the recorded shape. */
interface CheckRun {
  readonly spec: CheckSpec;
  readonly result: GateCheckResult;
  readonly signal: NodeJS.Signals | null;
}

/** The checks of a level, in order; a name that is not a check is the user's error. */
export function checksOf(quality: QualityConfig, level: QualityLevel): CheckSpec[] {
  return quality.levels[level].map((name) => {
    const spec = quality.checks.get(name);
    if (!spec)
      throw new UserError(`quality level ${level} names check "${name}", which is not defined`);
    if (Array.isArray(spec.command) && spec.command.length === 0 && spec.kind !== "hooks") {
      throw new UserError(`quality check "${name}" has an empty command`);
    }
    return spec;
  });
}

/**
 * Runs the checks of `level` one after another in the worktree and reports every failure, not
 * only the first, so the implementer can fix them all in one attempt. With `compare`, a check
 * that has reports is judged against the baseline (new failures block, old ones do not);
 * without reports, or without `compare`, its exit code decides.
 *
 * An aborted `signal` stops the gate: the running check is killed and the abort reason is
 * thrown rather than a failed result returned, since an interrupted gate says nothing about the
 * code and must not count as a failed attempt. A level naming a check that is not configured is
 * the user's error ({@link UserError}), thrown before anything runs.
 */
export async function runGate(input: GateInput): Promise<LevelOutcome> {
  const specs = checksOf(input.quality, input.level);
  await mkdir(input.logDir, { recursive: true });
  const runs: CheckRun[] = [];
  const leftovers = await SetupLeftovers.before(
    input.runner,
    input.cwd,
    input.compare?.change.untracked,
  );
  try {
    const setup = await runSetup(input);
    if (input.quality.setup !== undefined) await leftovers.afterSetup();
    if (setup !== undefined) runs.push(setup);
    else {
      if (specs.some((spec) => spec.kind === "hooks")) await leftovers.stageChange();
      for (const spec of specs) {
        input.signal?.throwIfAborted();
        runs.push(await runCheck(spec, input));
      }
    }
  } finally {
    await leftovers.remove();
  }
  const passed = runs.every((run) => run.result.passed);
  const breaking = runs.some((run) => run.spec.kind === "breaking" && !run.result.passed);
  return {
    passed,
    level: input.level,
    checks: runs.map((run) => run.result),
    feedback: passed ? "" : formatFeedback(input.level, runs),
    breaking,
  };
}

function commandValues(input: GateInput): { files: string[]; base: string } {
  return {
    files: [...(input.compare?.change.existingFiles ?? [])],
    base: input.compare?.baseSha ?? "",
  };
}

/** Runs `setup:`; a failure is reported as a failed check named `setup` and no check runs. */
async function runSetup(input: GateInput): Promise<CheckRun | undefined> {
  const command = input.quality.setup;
  if (command === undefined) return undefined;
  const outcome = await runCommand(
    command,
    {
      cwd: input.cwd,
      runner: input.runner,
      logDir: input.logDir,
      signal: input.signal,
      env: input.env,
      values: commandValues(input),
    },
    SETUP_TIMEOUT_MS,
  );
  input.signal?.throwIfAborted();
  if (outcome.exitCode === 0 && !outcome.timedOut) return undefined;
  const spec: CheckSpec = {
    name: "setup",
    command,
    timeoutMs: SETUP_TIMEOUT_MS,
    kind: "custom",
    env: {},
  };
  const output = combinedOutput(outcome);
  return {
    spec,
    signal: outcome.signal,
    result: {
      name: "setup",
      kind: "custom",
      passed: false,
      exitCode: outcome.exitCode,
      timedOut: outcome.timedOut,
      durationMs: Math.round(outcome.durationMs),
      summary: withTail(`setup: ${ending(outcome, SETUP_TIMEOUT_MS)}`, output, "the setup output"),
    },
  };
}

/** Source (non-documentation) files changed: what makes a related run worth it. */
function hasSourceChanges(input: GateInput): boolean {
  return (input.compare?.change.existingFiles ?? []).some((f) => !isDocFile(f));
}

async function runCheck(spec: CheckSpec, input: GateInput): Promise<CheckRun> {
  const compare = input.compare;
  const related =
    compare !== undefined &&
    compare.related &&
    spec.related !== undefined &&
    hasSourceChanges(input);
  const withReports = compare !== undefined && (spec.reports ?? []).length > 0;
  const run = await executeCheck(spec, {
    cwd: input.cwd,
    runner: input.runner,
    logDir: input.logDir,
    signal: input.signal,
    env: input.env,
    values: commandValues(input),
    related,
    readReports: withReports,
  });
  const base: Omit<GateCheckResult, "passed" | "summary"> = {
    name: spec.name,
    kind: spec.kind,
    exitCode: run.outcome.exitCode,
    timedOut: run.outcome.timedOut,
    durationMs: Math.round(run.outcome.durationMs),
    logFile: run.logFile,
    mode: run.mode,
  };
  if (run.mode === "skipped") {
    return { spec, signal: null, result: { ...base, passed: true, summary: run.skipped ?? "" } };
  }
  if (compare !== undefined && withReports && run.data !== undefined) {
    const verdict = compareCheck(
      spec,
      { exitCode: run.outcome.exitCode, timedOut: run.outcome.timedOut, data: run.data },
      {
        baseline: compare.baseline.get(spec.name),
        related: run.mode === "related",
        touchedFiles: compare.change.files,
        changedLines: compare.change.changedLines,
        coverageMinPct: compare.coverageMinPct,
        zeroWarnings: compare.zeroWarnings,
      },
    );
    let summary = "";
    if (!verdict.passed) {
      summary = run.outcome.timedOut
        ? summarize(spec, run)
        : formatFindings(verdict.findings) || summarize(spec, run);
    }
    return {
      spec,
      signal: run.outcome.signal,
      result: { ...base, passed: verdict.passed, summary, findings: verdict.findings },
    };
  }
  const passed = run.outcome.exitCode === 0 && !run.outcome.timedOut;
  return {
    spec,
    signal: run.outcome.signal,
    result: { ...base, passed, summary: passed ? "" : summarize(spec, run) },
  };
}

/** The program a shell or the runner said it could not find. */
function missingCommand(command: CheckSpec["command"], output: string): string {
  // dash: "sh: 1: vitest: not found"; bash: "sh: line 1: vitest: command not found".
  const reported = /:\s*([^\s:]+): (?:command )?not found\s*$/m.exec(stripped(output))?.[1];
  if (reported !== undefined) return reported;
  if (typeof command !== "string") return command[0] ?? "";
  return command.trim().split(/\s+/)[0] ?? command;
}

function stripped(output: string): string {
  return cleanLines(output).join("\n");
}

function withTail(headline: string, output: string, logFile: string): string {
  const tail = tailLines(cleanLines(output), TAIL_LINES);
  return tail.length === 0 ? headline : `${headline}\n${capLines(tail, TAIL_LINES, logFile)}`;
}

function summarize(spec: CheckSpec, run: Execution): string {
  const { outcome, output, logFile } = run;
  if (outcome.timedOut) {
    return withTail(`timed out after ${seconds(spec.timeoutMs)}`, output, logFile);
  }
  if (outcome.exitCode === 127) {
    return withTail(`command not found: ${missingCommand(spec.command, output)}`, output, logFile);
  }
  const condensed = condenseOutput(spec.kind, output, DEFAULT_MAX_LINES, logFile);
  if (condensed !== "") return condensed;
  return `${ending(outcome, spec.timeoutMs)} and no output`;
}

function heading(run: CheckRun): string {
  const { spec, result } = run;
  let status = `failed, exit ${result.exitCode ?? "none"}`;
  if (result.timedOut) status = "timed out";
  else if (result.exitCode === null) status = `killed by ${run.signal ?? "a signal"}`;
  else if (result.findings !== undefined) {
    const what = findingsHeadline(result.findings);
    if (what !== "") status = `failed: ${what}`;
  }
  const mode = result.mode === "related" ? ", related tests only" : "";
  const breaking = spec.kind === "breaking" ? " — a BREAKING change" : "";
  return `## check \`${spec.name}\` (${spec.kind}${mode}) ${status}${breaking}`;
}

function formatFeedback(level: QualityLevel, runs: readonly CheckRun[]): string {
  const failed = runs.filter((run) => !run.result.passed);
  const sections = failed.map((run) => `${heading(run)}\n${run.result.summary}`);
  return [`Quality gate failed at level ${level}:`, ...sections].join("\n\n");
}
