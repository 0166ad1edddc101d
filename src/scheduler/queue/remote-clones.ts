import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { basename, join } from "node:path";
import { SystemError } from "../../core/errors.js";
import type { ProcessRunner } from "../../core/ports.js";
import { Git } from "../../workspace/git.js";
import { taskBranchName, taskWorktreePath } from "../../workspace/task-paths.js";
import { removeTaskWorktree } from "../../workspace/task-worktree.js";
import { findWorktree } from "../../workspace/worktree-list.js";

/** Serialises the git operations on one clone that touch its refs (fetch, push, branch moves). */
class Mutex {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(fn, fn);
    this.tail = next.catch(() => undefined);
    return next;
  }
}

/** A refspec that fetches the remote's `branch` (a glob allowed) into `origin/`, forced. */
function tracking(branch: string): string {
  return `+refs/heads/${branch}:refs/remotes/origin/${branch}`;
}

/** A folder name for a remote: readable, and unique by a hash of the whole URL. */
export function cloneFolderName(remote: string): string {
  const name = basename(remote.replace(/[/:]+$/, "")).replace(/\.git$/, "");
  const safe = name.replace(/[^A-Za-z0-9._-]/g, "_").slice(0, 40) || "repo";
  return `${safe}-${createHash("sha256").update(remote).digest("hex").slice(0, 10)}`;
}

/**
 * A worker's private clones of the task repositories, one per remote URL under `dir`. The
 * remote is the truth between workers: before a task runs its branch is made what the remote
 * holds, and after every step commit the branch is pushed (never forced), so a worker that
 * dies loses nothing another worker needs. Credentials come from git's environment (SSH agent,
 * credential helper, GIT_ASKPASS); nothing is stored.
 */
export class RemoteClones {
  private readonly locks = new Map<string, Mutex>();
  private readonly defaults = new Map<string, string>();

  constructor(
    private readonly runner: ProcessRunner,
    /** Where the clones live. */
    readonly dir: string,
  ) {}

  private lock(path: string): Mutex {
    let lock = this.locks.get(path);
    if (!lock) {
      lock = new Mutex();
      this.locks.set(path, lock);
    }
    return lock;
  }

  /**
   * The clone of `remote`, cloned on first use. On later calls only what the task needs is
   * fetched: the remote's default branch, the task's branch and its `base` branch (glob
   * refspecs, so a branch the remote does not have yet is no error), not every task's branch.
   */
  async prepare(remote: string, need: { taskId: string; base?: string }): Promise<string> {
    const path = join(this.dir, cloneFolderName(remote));
    return this.lock(path).run(async () => {
      const git = new Git(this.runner, this.dir);
      if (!existsSync(join(path, ".git"))) {
        await mkdir(this.dir, { recursive: true });
        await rm(path, { recursive: true, force: true });
        await git.run(["clone", "--quiet", "--no-tags", "--", remote, path]);
      } else {
        const refspecs = [
          tracking(await this.defaultBranch(path)),
          tracking(`${taskBranchName(need.taskId)}*`),
        ];
        if (need.base !== undefined && /^[A-Za-z0-9._/-]+$/.test(need.base))
          refspecs.push(tracking(`${need.base}*`));
        await git.at(path).run(["fetch", "--quiet", "--prune", "--no-tags", "origin", ...refspecs]);
      }
      return path;
    });
  }

  /** The remote's default branch as the clone recorded it (`origin/HEAD`), read once. */
  private async defaultBranch(clone: string): Promise<string> {
    let branch = this.defaults.get(clone);
    if (branch === undefined) {
      const head = await new Git(this.runner, clone).tryRun([
        "symbolic-ref",
        "--quiet",
        "--short",
        "refs/remotes/origin/HEAD",
      ]);
      branch = head.exitCode === 0 ? head.stdout.trim().replace(/^origin\//, "") : "main";
      this.defaults.set(clone, branch);
    }
    return branch;
  }

  /**
   * Makes the task branch in the clone what the remote holds: moved to the remote's commit (its
   * worktree reset to it), or, when the remote has no branch yet, removed so that the task starts
   * afresh from its base. A local commit that never reached the remote is dropped: the task's
   * events say its step is not committed, so it is made again, once.
   */
  async syncTaskBranch(clone: string, taskId: string): Promise<void> {
    await this.lock(clone).run(async () => {
      const git = new Git(this.runner, clone);
      const branch = taskBranchName(taskId);
      const remote = await git.tryRun([
        "rev-parse",
        "--verify",
        "--quiet",
        `refs/remotes/origin/${branch}^{commit}`,
      ]);
      const worktree = taskWorktreePath(clone, taskId);
      const entry = await findWorktree(git, worktree);
      if (remote.exitCode !== 0) {
        await removeTaskWorktree(this.runner, { repoRoot: clone, taskId });
        return;
      }
      const sha = remote.stdout.trim();
      if (entry !== undefined && !entry.prunable) {
        const wt = git.at(worktree);
        await wt.run(["reset", "--quiet", "--hard", sha]);
        await wt.run(["clean", "--quiet", "-fd"]);
        return;
      }
      if (entry !== undefined) await git.run(["worktree", "remove", "--force", worktree]);
      // Not `branch -f`: its reflog entry would read as where the branch was created, which is
      // how the task's base is recovered; without it the base is found below the step commits.
      await git.run(["update-ref", "-m", "orchestrator worker: sync", `refs/heads/${branch}`, sha]);
    });
  }

  /** Pushes the task branch to the remote (fast-forward only; a rejected push throws). */
  async pushTaskBranch(clone: string, taskId: string): Promise<void> {
    await this.lock(clone).run(async () => {
      const branch = taskBranchName(taskId);
      const git = new Git(this.runner, clone);
      const result = await git.tryRun([
        "push",
        "--quiet",
        "origin",
        `refs/heads/${branch}:refs/heads/${branch}`,
      ]);
      if (result.exitCode !== 0) {
        throw new SystemError(
          `cannot push ${branch} to the remote of ${clone}: ${result.stderr.trim().split("\n")[0] ?? ""}`,
        );
      }
    });
  }

  /** The ref a task without `base:` starts from in a clone: the remote's default branch. */
  async defaultBase(clone: string): Promise<string> {
    const git = new Git(this.runner, clone);
    const head = await git.tryRun(["rev-parse", "--verify", "--quiet", "refs/remotes/origin/HEAD"]);
    return head.exitCode === 0 ? head.stdout.trim() : (await git.run(["rev-parse", "HEAD"])).trim();
  }

  /** `origin/<ref>` as a commit when the remote has that branch (a task's `base: main`). */
  async remoteRef(clone: string, ref: string): Promise<string | undefined> {
    const git = new Git(this.runner, clone);
    const result = await git.tryRun([
      "rev-parse",
      "--verify",
      "--quiet",
      `refs/remotes/origin/${ref}^{commit}`,
    ]);
    return result.exitCode === 0 ? result.stdout.trim() : undefined;
  }
}
