export { Git, DEFAULT_GIT_TIMEOUT_MS } from "./git.js";
export type { GitOptions, GitRunOptions } from "./git.js";
export {
  assertValidTaskId,
  taskBranchName,
  taskIdOfBranch,
  taskWorktreePath,
  orchestratorDir,
  TASK_BRANCH_PREFIX,
} from "./task-paths.js";
export { ensureOrchestratorGitignore, ORCHESTRATOR_GITIGNORE } from "./orchestrator-gitignore.js";
export { createTaskWorktree, removeTaskWorktree } from "./task-worktree.js";
export type {
  TaskWorktree,
  TaskWorktreeOptions,
  CreateTaskWorktreeOptions,
} from "./task-worktree.js";
export { Worktree } from "./worktree.js";
export type { WorktreeDiff, CommitStepInput, WorktreeOptions } from "./worktree.js";
export { buildCommitMessage, TASK_TRAILER, STEP_TRAILER } from "./commit-message.js";
export type { StepCommitMessage } from "./commit-message.js";
export type { StepCommit } from "./step-commits.js";
export { FALLBACK_IDENTITY } from "./commit-identity.js";
export {
  fileAt,
  filesWithMarkers,
  mergeConflicts,
  mergeInProgress,
  pendingMerges,
  startMerge,
} from "./dependency-merge.js";
export type { DependencyBranch, PendingMerge, ResolvedDependency } from "./dependency-merge.js";
export { createWorkspacePort } from "./create-workspace-port.js";
