import type { ProcessResult, ProcessRunner } from "../core/ports.js";
import { SystemError } from "../core/errors.js";

/** How git is run: transport settings handed in, so tests can point git at a private config. */
export interface GitOptions {
  /** Extra environment variables for every git command (e.g. `GIT_CONFIG_GLOBAL` in tests). */
  readonly env?: Readonly<Record<string, string>>;
  /** Per-command timeout; defaults to {@link DEFAULT_GIT_TIMEOUT_MS}. Commit hooks run inside it. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /** The git executable; defaults to `git` on the PATH. */
  readonly binary?: string;
}

/** Options of one git command. */
export interface GitRunOptions {
  /** Written to git's stdin. */
  readonly input?: string;
  /** Per-command configuration, passed as `-c key=value`; the user's config files are never written. */
  readonly config?: Readonly<Record<string, string>>;
}

/** Ten minutes: long enough for a checkout of a large repository or a slow pre-commit hook. */
export const DEFAULT_GIT_TIMEOUT_MS = 10 * 60 * 1000;

/** Lines of git's output quoted in an error message. */
const ERROR_LINES = 5;

/**
 * Variables that point git at another repository, index or object store. An orchestrator started
 * from a git hook inherits them; left in place, they would make every command act on the user's
 * repository and index instead of the task's worktree.
 */
const REPOSITORY_VARIABLES = new Set([
  "GIT_DIR",
  "GIT_WORK_TREE",
  "GIT_INDEX_FILE",
  "GIT_OBJECT_DIRECTORY",
  "GIT_ALTERNATE_OBJECT_DIRECTORIES",
  "GIT_COMMON_DIR",
  "GIT_NAMESPACE",
  "GIT_PREFIX",
]);

function gitEnvironment(
  extra: Readonly<Record<string, string>> | undefined,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !REPOSITORY_VARIABLES.has(key)) env[key] = value;
  }
  return {
    ...env,
    // Unattended: never wait for credentials; parse stable English output.
    GIT_TERMINAL_PROMPT: "0",
    LC_ALL: "C",
    // `git status` must not rewrite an index as a side effect of looking at it.
    GIT_OPTIONAL_LOCKS: "0",
    ...extra,
  };
}

function quoteArg(arg: string): string {
  return /^[\w@%+=:,./^{}~-]+$/.test(arg) ? arg : JSON.stringify(arg);
}

function firstLines(text: string): string {
  const lines = text
    .split("\n")
    .map((line) => line.trimEnd())
    .filter((line) => line !== "");
  return lines.slice(0, ERROR_LINES).join("\n");
}

/** Runs git commands in one directory through the injected {@link ProcessRunner}. */
export class Git {
  constructor(
    private readonly runner: ProcessRunner,
    /** The directory every command runs in. */
    readonly cwd: string,
    private readonly options: GitOptions = {},
  ) {}

  /** The same runner and options, in another directory. */
  at(cwd: string): Git {
    return new Git(this.runner, cwd, this.options);
  }

  /** Runs git and returns its stdout; a non-zero exit becomes a {@link SystemError}. */
  async run(args: readonly string[], options: GitRunOptions = {}): Promise<string> {
    const result = await this.tryRun(args, options);
    if (result.exitCode !== 0) throw this.failure(args, result);
    return result.stdout;
  }

  /**
   * Runs git and returns the result whatever the exit code, for commands whose failure is an
   * answer (`rev-parse --verify`, `config --get`). A timeout, an abort or a missing git binary
   * still throws: none of them is an answer.
   */
  async tryRun(args: readonly string[], options: GitRunOptions = {}): Promise<ProcessResult> {
    const config = Object.entries(options.config ?? {}).flatMap(([key, value]) => [
      "-c",
      `${key}=${value}`,
    ]);
    const result = await this.runner.run(this.options.binary ?? "git", [...config, ...args], {
      cwd: this.cwd,
      env: gitEnvironment(this.options.env),
      replaceEnv: true,
      timeoutMs: this.options.timeoutMs ?? DEFAULT_GIT_TIMEOUT_MS,
      ...(options.input === undefined ? {} : { input: options.input }),
      ...(this.options.signal === undefined ? {} : { signal: this.options.signal }),
    });
    if (result.timedOut || result.exitCode === null || result.exitCode === 127) {
      throw this.failure(args, result);
    }
    return result;
  }

  private failure(args: readonly string[], result: ProcessResult): SystemError {
    const command = ["git", ...args].map(quoteArg).join(" ");
    const how = result.timedOut
      ? "timed out"
      : result.exitCode === null
        ? `was killed by ${result.signal ?? "a signal"}`
        : `failed with exit code ${result.exitCode}`;
    // Some failures (`git commit` with nothing to commit) are reported on stdout only.
    const output = firstLines(result.stderr) || firstLines(result.stdout);
    const detail = output === "" ? "" : `:\n${output}`;
    return new SystemError(`${command} ${how} in ${this.cwd}${detail}`);
  }
}
