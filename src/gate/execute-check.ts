import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ProcessResult, ProcessRunner, RunOptions } from "../core/ports.js";
import type { CheckSpec, CommandSpec } from "../core/project-config.js";
import { displayCommand, expandCommand, type CommandValues } from "./command.js";
import { detectHook } from "./hooks.js";
import { readReports, removeReports, type ReportData } from "./report-data.js";

/** Where and how a check runs. */
export interface ExecuteOptions {
  readonly cwd: string;
  readonly runner: ProcessRunner;
  readonly logDir: string;
  readonly signal?: AbortSignal | undefined;
  readonly env?: Readonly<Record<string, string>> | undefined;
  readonly values: CommandValues;
  /** Run the check's `related` command instead of `command`. */
  readonly related?: boolean;
  /** Parse the check's reports (a baseline or a compared run). */
  readonly readReports: boolean;
}

/** One check's command run: its process result, log and parsed reports. */
export interface Execution {
  readonly spec: CheckSpec;
  readonly outcome: ProcessResult;
  readonly output: string;
  readonly logFile: string;
  readonly mode: "full" | "related" | "skipped";
  /** Why a check did not run (no hook, no changed files). */
  readonly skipped?: string;
  readonly data?: ReportData;
}

/** Log file names come from check names, which may hold any character. */
export function logFileName(name: string, suffix = ".log"): string {
  return `${name.replace(/[^\w.-]/g, "_")}${suffix}`;
}

export function combinedOutput(outcome: ProcessResult): string {
  const { stdout, stderr } = outcome;
  if (stdout === "" || stderr === "") return stdout + stderr;
  return stdout.endsWith("\n") ? stdout + stderr : `${stdout}\n${stderr}`;
}

export function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))}s`;
}

export function ending(outcome: ProcessResult, timeoutMs: number): string {
  if (outcome.timedOut) return `timed out after ${seconds(timeoutMs)}`;
  if (outcome.exitCode === null) return `killed by ${outcome.signal ?? "a signal"}`;
  return `exit code ${outcome.exitCode}`;
}

const SKIPPED: ProcessResult = {
  exitCode: 0,
  signal: null,
  timedOut: false,
  durationMs: 0,
  stdout: "",
  stderr: "",
};

/** The environment every check gets: plain, non-interactive output; the check's own settings win. */
export function checkEnv(
  base: Readonly<Record<string, string>> | undefined,
  own: Readonly<Record<string, string>>,
): Record<string, string> {
  return { CI: "true", FORCE_COLOR: "0", NO_COLOR: "1", ...base, ...own };
}

/** Runs a command the way checks run, for `setup:`. */
export async function runCommand(
  command: CommandSpec,
  options: Omit<ExecuteOptions, "related" | "readReports">,
  timeoutMs: number,
): Promise<ProcessResult> {
  const [program, args] = expandCommand(command, options.values);
  return options.runner.run(program, args, {
    cwd: options.cwd,
    env: checkEnv(options.env, {}),
    timeoutMs,
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

/**
 * Runs one check: resolves its command (a detected hook, the related form, placeholders), removes
 * stale reports, runs it, writes the full log and reads its reports. An aborted `signal` throws.
 */
export async function executeCheck(spec: CheckSpec, options: ExecuteOptions): Promise<Execution> {
  const logFile = join(options.logDir, logFileName(spec.name));
  await mkdir(options.logDir, { recursive: true });
  let program: string;
  let args: string[];
  let shown: string;
  let mode: Execution["mode"] = "full";
  if (spec.kind === "hooks" && Array.isArray(spec.command) && spec.command.length === 0) {
    const hook = await detectHook(options.runner, options.cwd, options.values.files);
    const why =
      hook === undefined
        ? "no pre-commit hook found"
        : hook.source === "pre-commit" && options.values.files.length === 0
          ? "no changed files for pre-commit"
          : undefined;
    if (hook === undefined || why !== undefined) {
      const note = why ?? "";
      await writeFile(logFile, `[skipped: ${note}]\n`, "utf8");
      return { spec, outcome: SKIPPED, output: "", logFile, mode: "skipped", skipped: note };
    }
    program = hook.program;
    args = [...hook.args];
    shown = `(${hook.source}) ${displayCommand([program, ...args])}`;
  } else {
    const command =
      options.related === true && spec.related !== undefined ? spec.related : spec.command;
    if (command !== spec.command) mode = "related";
    [program, args] = expandCommand(command, options.values);
    shown = displayCommand(command);
  }
  if (options.readReports) await removeReports(spec, options.cwd);
  const runOptions: RunOptions = {
    cwd: options.cwd,
    env: checkEnv(options.env, spec.env),
    timeoutMs: spec.timeoutMs,
    ...(options.signal ? { signal: options.signal } : {}),
  };
  const outcome = await options.runner.run(program, args, runOptions);
  options.signal?.throwIfAborted();
  const output = combinedOutput(outcome);
  const body = output === "" || output.endsWith("\n") ? output : `${output}\n`;
  const end = ending(outcome, spec.timeoutMs);
  await writeFile(
    logFile,
    `$ ${shown}\n${body}[${end} after ${seconds(outcome.durationMs)}]\n`,
    "utf8",
  );
  const data =
    options.readReports && (spec.reports ?? []).length > 0
      ? await readReports(
          spec,
          options.cwd,
          { stdout: outcome.stdout, output },
          options.logDir,
          logFileName(spec.name, ""),
        )
      : undefined;
  return { spec, outcome, output, logFile, mode, ...(data === undefined ? {} : { data }) };
}
