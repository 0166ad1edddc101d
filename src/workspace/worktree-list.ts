import { resolve } from "node:path";
import { UserError } from "../core/errors.js";
import type { Git } from "./git.js";

/** One entry of `git worktree list --porcelain`. */
export interface WorktreeEntry {
  readonly path: string;
  readonly head: string | undefined;
  /** Full ref name, e.g. `refs/heads/orchestrator/T-1`; undefined when detached or bare. */
  readonly branch: string | undefined;
  readonly bare: boolean;
  /** Registered, but its folder (or the folder's `.git` file) is gone. */
  readonly prunable: boolean;
}

/** Parses `git worktree list --porcelain` (one block per worktree, blocks split by blank lines). */
export function parseWorktreeList(text: string): WorktreeEntry[] {
  const entries: WorktreeEntry[] = [];
  for (const block of text.split(/\n\s*\n/)) {
    const lines = block.split("\n").filter((line) => line !== "");
    const value = (key: string): string | undefined => {
      const line = lines.find((l) => l === key || l.startsWith(`${key} `));
      return line === undefined ? undefined : line.slice(key.length + 1);
    };
    const path = value("worktree");
    if (path === undefined) continue;
    entries.push({
      path,
      head: value("HEAD"),
      branch: value("branch"),
      bare: value("bare") !== undefined,
      prunable: value("prunable") !== undefined,
    });
  }
  return entries;
}

/** Every worktree of the repository, the main one first (git's own order). */
export async function listWorktrees(git: Git): Promise<WorktreeEntry[]> {
  return parseWorktreeList(await git.run(["worktree", "list", "--porcelain"]));
}

/** The registered worktree at `path`, if any. */
export async function findWorktree(git: Git, path: string): Promise<WorktreeEntry | undefined> {
  const wanted = resolve(path);
  return (await listWorktrees(git)).find((entry) => resolve(entry.path) === wanted);
}

/**
 * The root of the repository's main worktree, from any directory inside it or inside one of its
 * linked worktrees, so task worktrees never nest inside other task worktrees.
 * @throws UserError when `dir` is not in a git repository or the repository is bare.
 */
export async function resolveMainWorktree(git: Git): Promise<string> {
  const probe = await git.tryRun(["rev-parse", "--git-dir"]);
  if (probe.exitCode !== 0) throw new UserError(`${git.cwd} is not inside a git repository`);
  const main = (await listWorktrees(git))[0];
  if (main === undefined || main.bare) {
    throw new UserError(`${git.cwd} is a bare repository; the orchestrator needs a working tree`);
  }
  return main.path;
}
