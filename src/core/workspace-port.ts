import type { Task } from "./task.js";

/** A task's git worktree, as the engine needs it. */
export interface TaskWorkspace {
  readonly worktree: string;
  readonly branch: string;
  readonly baseSha: string;
}

/** The git side effects of the engine; the real one lives in workspace/. */
export interface WorkspacePort {
  /** Creates the task's worktree and branch, or returns the existing ones (idempotent). */
  ensure(task: Task): Promise<TaskWorkspace>;
  /** Stages everything in the worktree and returns the change against its HEAD. */
  changes(worktree: string): Promise<{ patch: string; files: string[] }>;
  /** Discards uncommitted changes (tracked and untracked, not ignored files). */
  reset(worktree: string): Promise<void>;
  /** Applies a patch produced by `changes` onto a clean worktree. */
  applyPatch(worktree: string, patch: string): Promise<void>;
  /** `git status --porcelain` of the worktree, for the planner. */
  status(worktree: string): Promise<string>;
  commitStep(
    worktree: string,
    commit: {
      taskId: string;
      stepId: string;
      subject: string;
      body: string;
      trailers: Record<string, string>;
    },
  ): Promise<string>;
  /** The commit of a step already on the branch (found by its trailer), if any. */
  findStepCommit(worktree: string, taskId: string, stepId: string): Promise<string | undefined>;
  headSha(worktree: string): Promise<string>;
  remove(task: Task): Promise<void>;
}
