import { existsSync, readdirSync } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { dirname } from "node:path";
import { SystemError, UserError } from "../core/errors.js";
import type { ProcessRunner } from "../core/ports.js";
import { recordBaseSha, recoverBaseSha, resolveBaseSha } from "./base-sha.js";
import { Git, type GitOptions } from "./git.js";
import { ensureOrchestratorGitignore } from "./orchestrator-gitignore.js";
import {
  assertTaskBranchFormat,
  assertValidTaskId,
  taskBranchName,
  taskWorktreePath,
} from "./task-paths.js";
import { findWorktree, resolveMainWorktree, type WorktreeEntry } from "./worktree-list.js";
import {
  integrateDependencies,
  pendingMerges,
  resolveDependencies,
  type DependencyBranch,
  type PendingMerge,
  type ResolvedDependency,
} from "./dependency-merge.js";

/** Where a task works: its worktree, its branch and the commit the branch started from. */
export interface TaskWorktree {
  /** Absolute path: `<worktrees dir>/<task-id>`, outside the repository by default. */
  readonly path: string;
  /** `orchestrator/<task-id>`. */
  readonly branch: string;
  readonly baseSha: string;
  /**
   * `created`: new branch and worktree; `reused`: both existed (a resumed run); `re-added`: the
   * branch existed but its worktree folder was gone, so the worktree was added again for it.
   */
  readonly origin: "created" | "reused" | "re-added";
  /** The dependency branches the task builds on, resolved to their final commits. */
  readonly dependencies: readonly ResolvedDependency[];
  /** Dependencies not merged yet because they conflict: each is a step of the task. */
  readonly pendingMerges: readonly PendingMerge[];
}

/** Which task's worktree, in which repository. */
export interface TaskWorktreeOptions extends GitOptions {
  /** Any directory of the repository; worktrees always go under its main worktree. */
  readonly repoRoot: string;
  readonly taskId: string;
  /** `worktrees_dir` of model_config.yaml; absent: under the user's state directory. */
  readonly worktreesDir?: string | undefined;
}

export interface CreateTaskWorktreeOptions extends TaskWorktreeOptions {
  /** Commit-ish the branch starts from; default the repository's HEAD commit. Ignored on reuse. */
  readonly base?: string;
  /**
   * Branches of the task's dependencies (all DONE). With one, the branch starts from its final
   * commit; with several, from the first, with the others merged in (integration commits);
   * those that conflict are returned as pending merges. `base` is then ignored.
   */
  readonly dependencies?: readonly DependencyBranch[];
}

interface Target {
  readonly repo: Git;
  /** The main worktree's root. */
  readonly root: string;
  readonly path: string;
  readonly branch: string;
  readonly taskId: string;
}

async function resolveTarget(runner: ProcessRunner, options: TaskWorktreeOptions): Promise<Target> {
  assertValidTaskId(options.taskId);
  const root = await resolveMainWorktree(new Git(runner, options.repoRoot, options));
  const repo = new Git(runner, root, options);
  await assertTaskBranchFormat(repo, options.taskId);
  return {
    repo,
    root,
    path: taskWorktreePath(root, options.taskId, options.worktreesDir),
    branch: taskBranchName(options.taskId),
    taskId: options.taskId,
  };
}

async function branchExists(repo: Git, branch: string): Promise<boolean> {
  const ref = `refs/heads/${branch}`;
  const result = await repo.tryRun(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
  return result.exitCode === 0;
}

/** Resolves the base to a commit SHA, so a moving ref cannot change what the task started from. */
async function resolveBase(repo: Git, base: string | undefined): Promise<string> {
  const rev = base ?? "HEAD";
  const result = await repo.tryRun([
    "rev-parse",
    "--verify",
    "--quiet",
    "--end-of-options",
    `${rev}^{commit}`,
  ]);
  if (result.exitCode === 0) return result.stdout.trim();
  throw new UserError(
    base === undefined
      ? `${repo.cwd} has no commits yet; commit something before running a task`
      : `base ${JSON.stringify(base)} is not a commit in ${repo.cwd}`,
  );
}

function isNonEmptyDir(path: string): boolean {
  return existsSync(path) && readdirSync(path).length > 0;
}

async function reuse(
  target: Target,
  entry: WorktreeEntry,
  deps: readonly ResolvedDependency[],
): Promise<TaskWorktree> {
  if (entry.branch !== `refs/heads/${target.branch}`) {
    throw new SystemError(
      `worktree ${target.path} is on ${entry.branch ?? "a detached HEAD"}, not on ${target.branch}`,
    );
  }
  const worktree = target.repo.at(target.path);
  const baseSha = await resolveBaseSha(worktree, target.taskId);
  return {
    path: target.path,
    branch: target.branch,
    baseSha,
    origin: "reused",
    dependencies: deps,
    pendingMerges: await pendingMerges(worktree, deps),
  };
}

async function addWorktree(target: Target, args: readonly string[]): Promise<void> {
  if (isNonEmptyDir(target.path)) {
    throw new SystemError(
      `${target.path} exists but is not a worktree of this repository; move it away or abort the task`,
    );
  }
  await mkdir(dirname(target.path), { recursive: true });
  await target.repo.run(["worktree", "add", "--quiet", ...args]);
}

/** The branch outlived its worktree (a crash, a deleted folder): check it out again. */
async function readd(target: Target, deps: readonly ResolvedDependency[]): Promise<TaskWorktree> {
  await addWorktree(target, [target.path, target.branch]);
  const baseSha = await recoverBaseSha(target.repo, target.taskId);
  const worktree = target.repo.at(target.path);
  await recordBaseSha(worktree, baseSha);
  return {
    path: target.path,
    branch: target.branch,
    baseSha,
    origin: "re-added",
    dependencies: deps,
    pendingMerges: await pendingMerges(worktree, deps),
  };
}

async function create(
  target: Target,
  base: string | undefined,
  deps: readonly ResolvedDependency[],
): Promise<TaskWorktree> {
  const start = deps[0]?.sha ?? (await resolveBase(target.repo, base));
  await addWorktree(target, ["--no-track", "-b", target.branch, target.path, start]);
  const worktree = target.repo.at(target.path);
  const pending = await integrateDependencies(worktree, target.taskId, deps.slice(1));
  // The base is the integrated start: the task's own work (and its conflict steps) comes after.
  const baseSha = (await worktree.run(["rev-parse", "HEAD"])).trim();
  await recordBaseSha(worktree, baseSha);
  return {
    path: target.path,
    branch: target.branch,
    baseSha,
    origin: "created",
    dependencies: deps,
    pendingMerges: pending,
  };
}

/**
 * Creates the task's worktree on a new branch `orchestrator/<task-id>` from `base`, or returns
 * the existing one with its recorded base (idempotent, for resume). Also creates
 * `.orchestrator/.gitignore` if it is missing. The user's working tree, index, HEAD, config and
 * other refs are left untouched.
 * @throws UserError for an invalid task id, an unknown base, or a directory outside a repository.
 */
export async function createTaskWorktree(
  runner: ProcessRunner,
  options: CreateTaskWorktreeOptions,
): Promise<TaskWorktree> {
  const target = await resolveTarget(runner, options);
  await ensureOrchestratorGitignore(target.root);
  const deps = await resolveDependencies(target.repo, options.dependencies ?? []);
  const entry = await findWorktree(target.repo, target.path);
  if (entry !== undefined && !entry.prunable) return reuse(target, entry, deps);
  // Registered but its folder is gone: drop only this registration (not a repository-wide prune).
  if (entry !== undefined) await target.repo.run(["worktree", "remove", "--force", target.path]);
  if (await branchExists(target.repo, target.branch)) return readd(target, deps);
  return create(target, options.base, deps);
}

/**
 * Removes the task's worktree folder and registration (discarding uncommitted changes) and keeps
 * its branch: a task that ended (DONE, ABORTED) needs no checkout. Idempotent.
 */
export async function removeTaskCheckout(
  runner: ProcessRunner,
  options: TaskWorktreeOptions,
): Promise<void> {
  const target = await resolveTarget(runner, options);
  await removeCheckout(target);
}

async function removeCheckout(target: Target): Promise<void> {
  const entry = await findWorktree(target.repo, target.path);
  if (entry !== undefined) {
    await target.repo.run(["worktree", "remove", "--force", target.path]);
  }
  // A folder git no longer knows (its registration was pruned) is still ours to delete.
  try {
    await rm(target.path, { recursive: true, force: true });
  } catch (error) {
    throw new SystemError(`cannot delete ${target.path}`, { cause: error });
  }
}

/**
 * Removes the task's worktree (discarding its uncommitted changes) and deletes its branch: the
 * rollback of a task. Idempotent: whatever is already gone is skipped. Only this task's worktree
 * registration is removed; other stale worktrees of the repository are not pruned.
 */
export async function removeTaskWorktree(
  runner: ProcessRunner,
  options: TaskWorktreeOptions,
): Promise<void> {
  const target = await resolveTarget(runner, options);
  await removeCheckout(target);
  if (await branchExists(target.repo, target.branch)) {
    await target.repo.run(["branch", "--quiet", "-D", target.branch]);
  }
}
