import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { SystemError } from "../core/errors.js";
import type { Git } from "./git.js";
import { logCommits } from "./step-commits.js";
import { taskBranchName } from "./task-paths.js";

/**
 * Where a task worktree's base commit is recorded: a file in the worktree's own git directory
 * (`.git/worktrees/<name>/`). Git creates and deletes that directory with the worktree, so the
 * record never outlives it and no user file, config or ref is touched.
 */
const BASE_FILE = "orchestrator-base";

/** How far back the last-resort search walks a task branch. */
const MAX_WALK = 500;

const SHA_PATTERN = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

async function gitDir(worktree: Git): Promise<string> {
  return (await worktree.run(["rev-parse", "--path-format=absolute", "--git-dir"])).trim();
}

/** Whether `ancestor` is a commit reachable from `descendant` (or the same commit). */
export async function isAncestor(git: Git, ancestor: string, descendant: string): Promise<boolean> {
  const result = await git.tryRun(["merge-base", "--is-ancestor", ancestor, descendant]);
  return result.exitCode === 0;
}

/** Records the base commit in the worktree's git directory. */
export async function recordBaseSha(worktree: Git, sha: string): Promise<void> {
  const file = join(await gitDir(worktree), BASE_FILE);
  try {
    await writeFile(file, `${sha}\n`);
  } catch (error) {
    throw new SystemError(`cannot record the base commit in ${file}`, { cause: error });
  }
}

/** The recorded base commit, if the record exists and still is an ancestor of HEAD. */
export async function readRecordedBaseSha(worktree: Git): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(join(await gitDir(worktree), BASE_FILE), "utf8");
  } catch {
    return undefined;
  }
  const sha = text.trim();
  if (!SHA_PATTERN.test(sha)) return undefined;
  return (await isAncestor(worktree, sha, "HEAD")) ? sha : undefined;
}

/** The commit the branch was created at, from the oldest entry of its reflog. */
async function baseFromReflog(git: Git, branch: string): Promise<string | undefined> {
  const ref = `refs/heads/${branch}`;
  const result = await git.tryRun(["reflog", "show", "--format=%H%x00%gs", ref, "--"]);
  if (result.exitCode !== 0) return undefined;
  const oldest = result.stdout.trimEnd().split("\n").at(-1) ?? "";
  const [sha, subject] = oldest.split("\x00");
  if (sha === undefined || !subject?.startsWith("branch: Created from")) return undefined;
  return (await isAncestor(git, sha, ref)) ? sha : undefined;
}

/** The newest first-parent ancestor of the branch that is not one of the task's own commits. */
async function baseFromTrailers(git: Git, taskId: string, branch: string): Promise<string> {
  const commits = await logCommits(git, [
    "--first-parent",
    `--max-count=${MAX_WALK}`,
    `refs/heads/${branch}`,
  ]);
  const base = commits.find((commit) => !commit.taskIds.includes(taskId));
  if (base === undefined) {
    throw new SystemError(`cannot find the base commit of branch ${branch}`);
  }
  return base.sha;
}

/**
 * Recovers the base of a task branch whose record is gone (its worktree folder was deleted and
 * pruned): first the branch's reflog, which remembers where the branch was created; failing
 * that (reflogs disabled or expired), the first commit below the task's own step commits.
 */
export async function recoverBaseSha(git: Git, taskId: string): Promise<string> {
  const branch = taskBranchName(taskId);
  return (await baseFromReflog(git, branch)) ?? (await baseFromTrailers(git, taskId, branch));
}

/** The recorded base of a task worktree, recovering and recording it when the record is gone. */
export async function resolveBaseSha(worktree: Git, taskId: string): Promise<string> {
  const recorded = await readRecordedBaseSha(worktree);
  if (recorded !== undefined) return recorded;
  const recovered = await recoverBaseSha(worktree, taskId);
  await recordBaseSha(worktree, recovered);
  return recovered;
}
