import { createHash } from "node:crypto";
import { homedir } from "node:os";
import { basename, isAbsolute, join, resolve } from "node:path";
import { UserError } from "../core/errors.js";
import type { Git } from "./git.js";

/** Prefix of every task branch; refs under it belong to the orchestrator. */
export const TASK_BRANCH_PREFIX = "orchestrator/";

/** Longest accepted task id: it becomes a directory name and part of a branch name. */
const MAX_TASK_ID_LENGTH = 100;

const TASK_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * Throws a {@link UserError} unless the task id is safe as one path segment and as the last part
 * of a branch name: letters, digits, `.`, `_`, `-`; starting with a letter or digit; no `..`;
 * not ending in `.` or `.lock`.
 */
export function assertValidTaskId(taskId: string): void {
  const ok =
    taskId.length <= MAX_TASK_ID_LENGTH &&
    TASK_ID_PATTERN.test(taskId) &&
    !taskId.includes("..") &&
    !taskId.endsWith(".") &&
    !taskId.endsWith(".lock");
  if (!ok) {
    throw new UserError(
      `invalid task id ${JSON.stringify(taskId)}: use up to ${MAX_TASK_ID_LENGTH} letters, digits, ".", "_" or "-", ` +
        `starting with a letter or digit, without "..", not ending in "." or ".lock"`,
    );
  }
}

/** Asks git itself whether the task's branch name is valid (`git check-ref-format`). */
export async function assertTaskBranchFormat(git: Git, taskId: string): Promise<void> {
  const result = await git.tryRun(["check-ref-format", `refs/heads/${taskBranchName(taskId)}`]);
  if (result.exitCode !== 0) {
    throw new UserError(
      `invalid task id ${JSON.stringify(taskId)}: not usable in a git branch name`,
    );
  }
}

/** The task's branch: `orchestrator/<task-id>`. */
export function taskBranchName(taskId: string): string {
  return `${TASK_BRANCH_PREFIX}${taskId}`;
}

/** The task id of an orchestrator branch name, or undefined for any other branch. */
export function taskIdOfBranch(branch: string): string | undefined {
  const short = branch.startsWith("refs/heads/") ? branch.slice("refs/heads/".length) : branch;
  return short.startsWith(TASK_BRANCH_PREFIX) ? short.slice(TASK_BRANCH_PREFIX.length) : undefined;
}

/** The orchestrator's folder in the target repository. */
export function orchestratorDir(repoRoot: string): string {
  return join(repoRoot, ".orchestrator");
}

/** The folder of the orchestrator's per-user state: `$XDG_STATE_HOME/cross-review-orchestrator`. */
export function userStateDir(
  env: Readonly<Record<string, string | undefined>> = process.env,
  home: string = homedir(),
): string {
  const xdg = env.XDG_STATE_HOME;
  // The XDG spec: a relative XDG_STATE_HOME is invalid and ignored.
  const base = xdg !== undefined && isAbsolute(xdg) ? xdg : join(home, ".local", "state");
  return join(base, "cross-review-orchestrator");
}

/**
 * Where a repository's task worktrees go: `worktrees_dir` from model_config.yaml (`~/`
 * expanded, relative to the repository), else a folder of its own under the user's state
 * directory, named after the repository and a hash of its path (two clones named alike do not
 * share it). Outside the repository, so the user's `eslint .`, test runners and editors never
 * see them.
 */
export function worktreesDirOf(
  mainRoot: string,
  setting?: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
  home: string = homedir(),
): string {
  if (setting !== undefined) {
    if (setting === "~" || setting.startsWith("~/")) return join(home, setting.slice(1));
    return resolve(mainRoot, setting);
  }
  const hash = createHash("sha256").update(resolve(mainRoot)).digest("hex").slice(0, 10);
  return join(userStateDir(env, home), "worktrees", `${basename(mainRoot)}-${hash}`);
}

/** The task's worktree: `<worktrees dir>/<task-id>` (see {@link worktreesDirOf}). */
export function taskWorktreePath(mainRoot: string, taskId: string, setting?: string): string {
  return join(worktreesDirOf(mainRoot, setting), taskId);
}
