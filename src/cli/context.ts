import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
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

/** The repository a command works on: the git top level of `--repo` or of the cwd. */
export async function findRepoRoot(ctx: CliContext, repo: string | undefined): Promise<string> {
  const start = resolve(ctx.cwd, repo ?? ".");
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
