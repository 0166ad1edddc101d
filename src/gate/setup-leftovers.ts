import { rm } from "node:fs/promises";
import { join } from "node:path";
import type { ProcessRunner } from "../core/ports.js";
import { Git } from "../workspace/index.js";

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

  /** Records the untracked paths before `setup:` runs. */
  static async before(runner: ProcessRunner, cwd: string): Promise<SetupLeftovers> {
    return new SetupLeftovers(runner, cwd, await untrackedPaths(runner, cwd));
  }

  /** Notes the paths `setup:` created. */
  async afterSetup(): Promise<void> {
    if (this.before === undefined) return;
    const now = await untrackedPaths(this.runner, this.cwd);
    const before = this.before;
    this.created = [...(now ?? [])].filter((p) => !before.has(p));
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
    const before = this.before;
    const now = (await untrackedPaths(this.runner, this.cwd)) ?? new Set<string>();
    for (const path of [...now].filter((p) => !before.has(p)))
      await rm(join(this.cwd, stripSlash(path)), { recursive: true, force: true });
  }
}

function stripSlash(path: string): string {
  return path.endsWith("/") ? path.slice(0, -1) : path;
}
