import { readFile, writeFile } from "node:fs/promises";
import { SystemError } from "../core/errors.js";
import { isAncestor } from "./base-sha.js";
import { missingIdentityConfig } from "./commit-identity.js";
import type { Git } from "./git.js";

/** A dependency of a task: the branch whose final commit the task builds on. */
export interface DependencyBranch {
  readonly taskId: string;
  readonly branch: string;
}

/** A dependency branch resolved to its commit. */
export interface ResolvedDependency extends DependencyBranch {
  readonly sha: string;
}

/** A dependency not yet merged into the task's branch, and the files its merge conflicts on. */
export interface PendingMerge extends ResolvedDependency {
  readonly conflicts: readonly string[];
}

/** Resolves each dependency branch to its commit; a missing branch is a system error. */
export async function resolveDependencies(
  repo: Git,
  deps: readonly DependencyBranch[],
): Promise<ResolvedDependency[]> {
  const out: ResolvedDependency[] = [];
  for (const dep of deps) {
    const result = await repo.tryRun([
      "rev-parse",
      "--verify",
      "--quiet",
      `refs/heads/${dep.branch}^{commit}`,
    ]);
    if (result.exitCode !== 0) {
      throw new SystemError(
        `dependency ${dep.taskId} has no branch ${dep.branch}; run it (or abort this task)`,
      );
    }
    out.push({ ...dep, sha: result.stdout.trim() });
  }
  return out;
}

/**
 * The files a merge of `sha` into HEAD would conflict on, computed without touching the
 * worktree or index (`git merge-tree --write-tree`, git 2.38+). Empty: it merges cleanly.
 */
export async function mergeConflicts(worktree: Git, sha: string): Promise<string[]> {
  const result = await worktree.tryRun([
    "merge-tree",
    "--write-tree",
    "--name-only",
    "--no-messages",
    "HEAD",
    sha,
  ]);
  if (result.exitCode === 0) return [];
  if (result.exitCode !== 1) {
    throw new SystemError(`git merge-tree failed in ${worktree.cwd}: ${result.stderr.trim()}`);
  }
  // First line: the tree with conflict markers; then one conflicted path per line.
  const names = result.stdout.split("\n").slice(1);
  return [...new Set(names.filter((n) => n !== ""))];
}

/** The dependencies whose commit is not yet in HEAD, with the files each would conflict on. */
export async function pendingMerges(
  worktree: Git,
  deps: readonly ResolvedDependency[],
): Promise<PendingMerge[]> {
  const pending: PendingMerge[] = [];
  for (const dep of deps) {
    if (await isAncestor(worktree, dep.sha, "HEAD")) continue;
    pending.push({ ...dep, conflicts: await mergeConflicts(worktree, dep.sha) });
  }
  return pending;
}

/**
 * Merges every dependency that merges cleanly into the worktree's branch, one merge commit
 * each (the integration commits). Those that would conflict are left out and returned: each
 * becomes a step of the task (see {@link startMerge}).
 */
export async function integrateDependencies(
  worktree: Git,
  taskId: string,
  deps: readonly ResolvedDependency[],
): Promise<PendingMerge[]> {
  const left: PendingMerge[] = [];
  for (const dep of await pendingMerges(worktree, deps)) {
    if (dep.conflicts.length > 0) {
      left.push(dep);
      continue;
    }
    await worktree.run(
      [
        "merge",
        "--quiet",
        "--no-ff",
        "--no-edit",
        "-m",
        `Merge dependency ${dep.taskId} (${dep.branch}) into ${taskId}`,
        dep.sha,
      ],
      { config: await missingIdentityConfig(worktree) },
    );
  }
  return left;
}

async function mergeHeadFile(worktree: Git): Promise<string> {
  return (
    await worktree.run(["rev-parse", "--path-format=absolute", "--git-path", "MERGE_HEAD"])
  ).trim();
}

/** The commit being merged, when a merge is in progress in the worktree. */
export async function mergeInProgress(worktree: Git): Promise<string | undefined> {
  try {
    return (await readFile(await mergeHeadFile(worktree), "utf8")).trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Puts the worktree in the middle of merging `sha` (idempotent): starts `git merge --no-commit`
 * on a clean worktree, leaving conflict markers in the conflicting files; on a worktree that
 * already holds a resolution (restored after a crash or retry), only records `sha` as the
 * merge's second parent. The next commit is then the merge commit.
 * @returns the files with conflicts left to resolve.
 */
export async function startMerge(worktree: Git, sha: string): Promise<string[]> {
  const current = await mergeInProgress(worktree);
  if (current === sha) return unmergedFiles(worktree);
  if (current !== undefined) await worktree.run(["merge", "--abort"]);
  const dirty = (await worktree.run(["status", "--porcelain"])).trim() !== "";
  if (dirty) {
    await writeFile(await mergeHeadFile(worktree), `${sha}\n`);
    return [];
  }
  const result = await worktree.tryRun(["merge", "--no-ff", "--no-commit", "--quiet", sha], {
    config: await missingIdentityConfig(worktree),
  });
  const unmerged = await unmergedFiles(worktree);
  if (result.exitCode !== 0 && unmerged.length === 0) {
    throw new SystemError(`git merge ${sha} failed in ${worktree.cwd}: ${result.stderr.trim()}`);
  }
  return unmerged;
}

/** Files git still marks as unmerged (conflicted, not yet staged). */
async function unmergedFiles(worktree: Git): Promise<string[]> {
  const out = await worktree.run(["diff", "--name-only", "--diff-filter=U", "-z"]);
  return [...new Set(out.split("\0").filter((n) => n !== ""))];
}

const MARKER = /^(<{7}|>{7})( |$)|^={7}$/m;

/** The files among `files` that still contain conflict markers. */
export async function filesWithMarkers(root: string, files: readonly string[]): Promise<string[]> {
  const left: string[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(`${root}/${file}`, "utf8");
    } catch {
      continue;
    }
    if (MARKER.test(text)) left.push(file);
  }
  return left;
}

/** A file's content on one side of a merge, or undefined when it does not exist there. */
export async function fileAt(
  worktree: Git,
  rev: string,
  file: string,
): Promise<string | undefined> {
  const result = await worktree.tryRun(["show", `${rev}:${file}`]);
  return result.exitCode === 0 ? result.stdout : undefined;
}
