import { existsSync } from "node:fs";
import { readFile, realpath, stat } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { UserError } from "../core/errors.js";
import { NodeProcessRunner } from "../process/node-process-runner.js";
import type { Output, OutputStreams } from "./output.js";
import { createOutput } from "./output.js";

/** What every command receives: the streams, the environment and where it was started. */
export interface CliContext extends OutputStreams {
  readonly cwd: string;
  /** Set by commands; the process exit code. */
  exitCode: number;
}

/** Options every command accepts. */
export interface GlobalOptions {
  readonly repo?: string;
  readonly json?: boolean;
  readonly logLevel?: string;
}

/** Variables that change where git looks for the repository: then only git can say. */
const DISCOVERY_VARIABLES = ["GIT_DIR", "GIT_WORK_TREE", "GIT_CEILING_DIRECTORIES"] as const;

/** Whether `dir/.git` is a git directory (has HEAD) or a `gitdir:` file (a linked worktree). */
async function holdsGit(dir: string): Promise<boolean> {
  const dotGit = join(dir, ".git");
  try {
    const info = await stat(dotGit);
    if (info.isDirectory()) return existsSync(join(dotGit, "HEAD"));
    return info.isFile() && (await readFile(dotGit, "utf8")).startsWith("gitdir:");
  } catch {
    return false;
  }
}

/**
 * The work tree top level found by looking for `.git` upwards from `start` (physical path, as
 * git reports it), with no process; undefined when the environment steers git's discovery or
 * nothing is found (git then decides).
 */
async function topLevelFromFiles(start: string): Promise<string | undefined> {
  if (DISCOVERY_VARIABLES.some((name) => process.env[name] !== undefined)) return undefined;
  let dir: string;
  try {
    dir = await realpath(start);
  } catch {
    return undefined;
  }
  for (;;) {
    if (await holdsGit(dir)) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** The repository a command works on: the git top level of `--repo` or of the cwd. */
export async function findRepoRoot(ctx: CliContext, repo: string | undefined): Promise<string> {
  const start = resolve(ctx.cwd, repo ?? ".");
  const found = await topLevelFromFiles(start);
  if (found !== undefined) return found;
  const result = await new NodeProcessRunner().run("git", ["rev-parse", "--show-toplevel"], {
    cwd: start,
    env: { GIT_TERMINAL_PROMPT: "0" },
  });
  if (result.exitCode !== 0) {
    throw new UserError(
      `${start} is not inside a git repository; run orchestrator in your project or pass --repo DIR`,
    );
  }
  return result.stdout.trim();
}

export function stateDbPath(repoRoot: string): string {
  return join(repoRoot, ".orchestrator", "state.db");
}

export function hasState(repoRoot: string): boolean {
  return existsSync(stateDbPath(repoRoot));
}

export function outputFor(ctx: CliContext, options: GlobalOptions): Output {
  return createOutput(ctx, options.json === true);
}
