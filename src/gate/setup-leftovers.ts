import { rm } from "node:fs/promises";
import { join } from "node:path";
import type { ProcessRunner } from "../core/ports.js";
import { Git } from "../workspace/index.js";

/** `.orchestrator/` at the root of the checked worktree: config, state and caches, never removed. */
const OWN_DIR = ".orchestrator/";

/**
 * Untracked paths the repository does not ignore, untracked directories collapsed to `dir/`;
 * undefined when `cwd` is not a git work tree.
 */
async function untrackedPaths(
  runner: ProcessRunner,
  cwd: string,
): Promise<Set<string> | undefined> {
  const result = await new Git(runner, cwd).tryRun([
    "ls-files",
    "--others",
    "--exclude-standard",
    "--directory",
    "-z",
  ]);
  if (result.exitCode !== 0) return undefined;
  return new Set(result.stdout.split("\0").filter((p) => p !== ""));
}

/**
 * What the gate leaves in the worktree that git would commit: a `node_modules` link made by
 * `setup:` in a repository whose `.gitignore` says `node_modules/` (a pattern that matches
 * directories, not links), a report folder a check wrote. `setup:`'s paths are kept out of the
 * hooks' index, and everything new is removed after the gate, so a step's commit holds the
 * implementer's change and nothing the gate made.
 */
export class SetupLeftovers {
  private constructor(
    private readonly runner: ProcessRunner,
    private readonly cwd: string,
    private readonly before: Set<string> | undefined,
    private created: readonly string[] = [],
  ) {}

  /**
   * Records the untracked paths before `setup:` runs: `known`, when the caller has just listed
   * the untracked files (one by one) of this worktree, else a listing of its own.
   */
  static async before(
    runner: ProcessRunner,
    cwd: string,
    known?: readonly string[],
  ): Promise<SetupLeftovers> {
    const before = known === undefined ? await untrackedPaths(runner, cwd) : new Set(known);
    return new SetupLeftovers(runner, cwd, before);
  }

  /** Notes the paths `setup:` created; not called when there is no `setup:`. */
  async afterSetup(): Promise<void> {
    if (this.before === undefined) return;
    const now = await untrackedPaths(this.runner, this.cwd);
    this.created = [...(now ?? [])].filter((p) => this.isNew(p));
  }

  /**
   * Whether an untracked path (a folder collapsed to `dir/`) was not there before. A folder
   * holding a file that was there before is not new, whether `before` listed the folder
   * collapsed or its files one by one.
   */
  private isNew(path: string): boolean {
    const before = this.before;
    if (before === undefined || before.has(path)) return false;
    // The orchestrator's own folder (its cache may appear there while the gate prepares).
    if (path.startsWith(OWN_DIR)) return false;
    if (!path.endsWith("/")) return true;
    for (const old of before) if (old.startsWith(path)) return false;
    return true;
  }

  /**
   * Stages the change as a commit would, for hooks that read the index (`git diff --cached`),
   * leaving out what `setup:` created.
   */
  async stageChange(): Promise<void> {
    if (this.before === undefined) return;
    const git = new Git(this.runner, this.cwd);
    await git.run(["add", "--all"]);
    if (this.created.length > 0)
      await git.run(["reset", "--quiet", "--", ...this.created.map(stripSlash)]);
  }

  /**
   * Removes what `setup:` and the checks created (a link, a coverage folder the repository does
   * not ignore); `setup:` runs again before the next gate.
   */
  async remove(): Promise<void> {
    if (this.before === undefined) return;
    const now = (await untrackedPaths(this.runner, this.cwd)) ?? new Set<string>();
    for (const path of [...now].filter((p) => this.isNew(p)))
      await rm(join(this.cwd, stripSlash(path)), { recursive: true, force: true });
  }
}

function stripSlash(path: string): string {
  return path.endsWith("/") ? path.slice(0, -1) : path;
}
