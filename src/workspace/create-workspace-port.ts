import type { ProcessRunner } from "../core/ports.js";
import type { Task } from "../core/task.js";
import { createTaskWorktree, removeTaskWorktree } from "./task-worktree.js";
import { Worktree } from "./worktree.js";
import type { WorkspacePort } from "../core/workspace-port.js";

/** The engine's git side, on the real workspace layer. */
export function createWorkspacePort(runner: ProcessRunner, _repoRoot: string): WorkspacePort {
  // One Worktree per path, so what it looks up once (git dir, identity) is not asked again.
  const worktrees = new Map<string, Worktree>();
  const at = (path: string): Worktree => {
    let wt = worktrees.get(path);
    if (wt === undefined) {
      wt = new Worktree(runner, path);
      worktrees.set(path, wt);
    }
    return wt;
  };
  return {
    async ensure(task: Task) {
      const wt = await createTaskWorktree(runner, {
        repoRoot: task.repoPath,
        taskId: task.id,
        ...(task.base === undefined ? {} : { base: task.base }),
      });
      return { worktree: wt.path, branch: wt.branch, baseSha: wt.baseSha };
    },
    async changes(worktree) {
      const diff = await at(worktree).diff();
      return { patch: diff.patch, files: diff.files };
    },
    reset: (worktree) => at(worktree).discardChanges(),
    applyPatch: (worktree, patch) => at(worktree).applyPatch(patch),
    status: (worktree) => at(worktree).status(),
    commitStep: (worktree, commit) => at(worktree).commitStep({ ...commit, allowEmpty: true }),
    findStepCommit: (worktree, taskId, stepId) => at(worktree).findStepCommit(taskId, stepId),
    headSha: (worktree) => at(worktree).headSha(),
    remove: async (task) => {
      worktrees.clear();
      await removeTaskWorktree(runner, { repoRoot: task.repoPath, taskId: task.id });
    },
  };
}
