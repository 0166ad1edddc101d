import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { UserError } from "../core/errors.js";
import type { GateCheckResult } from "../core/events.js";
import type { ProcessResult, ProcessRunner, RunOptions } from "../core/ports.js";
import type { CheckSpec, QualityConfig, QualityLevel } from "../core/project-config.js";
import { capLines, cleanLines, condenseOutput, DEFAULT_MAX_LINES, tailLines } from "./condense.js";

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
  readonly signal?: AbortSignal;
  /** Variables for every check, under each check's own `env`. */
  readonly env?: Readonly<Record<string, string>>;
}

/** The verdict of the gate at one level. */
export interface GateResult {
  readonly passed: boolean;
  readonly level: QualityLevel;
  /** One per check run, in level order. */
  readonly checks: GateCheckResult[];
  /** "" when passed; otherwise a short report of the failed checks for the implementer. */
  readonly feedback: string;
}

/** A check's result with what the feedback heading needs beyond the recorded shape. */
interface CheckRun {
  readonly spec: CheckSpec;
  readonly result: GateCheckResult;
  readonly signal: NodeJS.Signals | null;
}

/**
 * Runs the checks of `level` one after another in the worktree and reports every failure, not
 * only the first, so the implementer can fix them all in one attempt.
 *
 * An aborted `signal` stops the gate: the running check is killed and the abort reason is
 * thrown rather than a failed result returned, since an interrupted gate says nothing about the
 * code and must not count as a failed attempt. A level naming a check that is not configured is
 * the user's error ({@link UserError}), thrown before anything runs.
 */
export async function runGate(input: GateInput): Promise<GateResult> {
  const specs = checksOf(input.quality, input.level);
  await mkdir(input.logDir, { recursive: true });
  const runs: CheckRun[] = [];
  for (const spec of specs) {
    input.signal?.throwIfAborted();
    runs.push(await runCheck(spec, input));
  }
  const passed = runs.every((run) => run.result.passed);
  return {
    passed,
    level: input.level,
    checks: runs.map((run) => run.result),
    feedback: passed ? "" : formatFeedback(input.level, runs),
  };
}

function checksOf(quality: QualityConfig, level: QualityLevel): CheckSpec[] {
  return quality.levels[level].map((name) => {
    const spec = quality.checks.get(name);
    if (!spec)
      throw new UserError(`quality level ${level} names check "${name}", which is not defined`);
    if (Array.isArray(spec.command) && spec.command.length === 0) {
      throw new UserError(`quality check "${name}" has an empty command`);
    }
    return spec;
  });
}

/** A string is the user's own command line, run by `sh -c`; an array is argv. */
function argvOf(command: CheckSpec["command"]): [string, string[]] {
  if (typeof command === "string") return ["sh", ["-c", command]];
  const [program = "", ...args] = command;
  return [program, args];
}

function displayCommand(command: CheckSpec["command"]): string {
  if (typeof command === "string") return command;
  return command.map((arg) => (/^[\w./:=@+-]+$/.test(arg) ? arg : JSON.stringify(arg))).join(" ");
}

/** Log file names come from check names, which may hold any character. */
function logFileName(name: string): string {
  return `${name.replace(/[^\w.-]/g, "_")}.log`;
}

async function runCheck(spec: CheckSpec, input: GateInput): Promise<CheckRun> {
  const [program, args] = argvOf(spec.command);
  const options: RunOptions = {
    cwd: input.cwd,
    // Tools print plain, non-interactive output; the check's own settings win.
    env: { CI: "true", FORCE_COLOR: "0", NO_COLOR: "1", ...input.env, ...spec.env },
    timeoutMs: spec.timeoutMs,
    ...(input.signal ? { signal: input.signal } : {}),
  };
  const outcome = await input.runner.run(program, args, options);
  input.signal?.throwIfAborted();
  const output = combinedOutput(outcome);
  const logFile = join(input.logDir, logFileName(spec.name));
  await writeFile(logFile, logText(spec, outcome, output), "utf8");
  const passed = outcome.exitCode === 0 && !outcome.timedOut;
  const result: GateCheckResult = {
    name: spec.name,
    passed,
    exitCode: outcome.exitCode,
    timedOut: outcome.timedOut,
    durationMs: Math.round(outcome.durationMs),
    summary: passed ? "" : summarize(spec, outcome, output, logFile),
    logFile,
  };
  return { spec, result, signal: outcome.signal };
}

function combinedOutput(outcome: ProcessResult): string {
  const { stdout, stderr } = outcome;
  if (stdout === "" || stderr === "") return stdout + stderr;
  return stdout.endsWith("\n") ? stdout + stderr : `${stdout}\n${stderr}`;
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))}s`;
}

function ending(outcome: ProcessResult, timeoutMs: number): string {
  if (outcome.timedOut) return `timed out after ${seconds(timeoutMs)}`;
  if (outcome.exitCode === null) return `killed by ${outcome.signal ?? "a signal"}`;
  return `exit code ${outcome.exitCode}`;
}

function logText(spec: CheckSpec, outcome: ProcessResult, output: string): string {
  const body = output === "" || output.endsWith("\n") ? output : `${output}\n`;
  const end = ending(outcome, spec.timeoutMs);
  return `$ ${displayCommand(spec.command)}\n${body}[${end} after ${seconds(outcome.durationMs)}]\n`;
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

function summarize(
  spec: CheckSpec,
  outcome: ProcessResult,
  output: string,
  logFile: string,
): string {
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
  return `## check \`${spec.name}\` (${spec.kind}) ${status}`;
}

function formatFeedback(level: QualityLevel, runs: readonly CheckRun[]): string {
  const failed = runs.filter((run) => !run.result.passed);
  const sections = failed.map((run) => `${heading(run)}\n${run.result.summary}`);
  return [`Quality gate failed at level ${level}:`, ...sections].join("\n\n");
}
