import type { Task } from "./task.js";

/** A dependency branch of a task, resolved to its final commit. */
export interface WorkspaceDependency {
  readonly taskId: string;
  readonly branch: string;
  readonly sha: string;
}

/** A dependency not merged yet because it conflicts on `conflicts`: a step of the task. */
export interface WorkspacePendingMerge extends WorkspaceDependency {
  readonly conflicts: readonly string[];
}

/** A task's git worktree, as the engine needs it. */
export interface TaskWorkspace {
  readonly worktree: string;
  readonly branch: string;
  readonly baseSha: string;
  /** The dependency branches the task builds on (none for a task without dependencies). */
  readonly dependencies?: readonly WorkspaceDependency[];
  /** Dependencies still to merge, each in a step of its own. */
  readonly pendingMerges?: readonly WorkspacePendingMerge[];
  /** How `ensure` found it: made now, reused, or its folder re-created from the branch. */
  readonly origin?: "created" | "reused" | "re-added";
}

/** The git side effects of the engine; the real one lives in workspace/. */
export interface WorkspacePort {
  /**
   * Creates the task's worktree and branch, or returns the existing ones (idempotent). With
   * dependency branches, the branch starts from them (see createTaskWorktree).
   */
  ensure(
    task: Task,
    dependencies?: readonly { taskId: string; branch: string }[],
  ): Promise<TaskWorkspace>;
  /**
   * Puts the worktree in the middle of merging `sha` (idempotent); returns the files left with
   * conflict markers. The next step commit is the merge commit.
   */
  startMerge(worktree: string, sha: string): Promise<string[]>;
  /** The files among `files` that still hold conflict markers. */
  filesWithMarkers(worktree: string, files: readonly string[]): Promise<string[]>;
  /** A file at a commit (`HEAD`, a SHA), or undefined when it does not exist there. */
  fileAt(worktree: string, rev: string, file: string): Promise<string | undefined>;
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
      /** A merge step: the commit being merged, the commit's second parent. */
      mergeOf?: string;
      /** Only for a step whose reviewed change is empty; otherwise an empty commit fails. */
      allowEmpty?: boolean;
      /** The worktree was staged (`changes`) just before, with nothing written since. */
      staged?: boolean;
    },
  ): Promise<string>;
  /** The commit of a step already on the branch (found by its trailer), if any. */
  findStepCommit(worktree: string, taskId: string, stepId: string): Promise<string | undefined>;
  /** Every step commit on the branch since its base (by trailers), oldest first. */
  stepCommits(worktree: string): Promise<{ sha: string; taskId: string; stepId: string }[]>;
  headSha(worktree: string): Promise<string>;
  /** Removes the task's worktree and deletes its branch (a restart starts afresh). */
  remove(task: Task): Promise<void>;
  /** Removes the task's worktree and keeps its branch: the task ended (DONE, ABORTED). */
  removeCheckout(task: Task): Promise<void>;
}
