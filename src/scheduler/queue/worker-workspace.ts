import type { WorkspacePort } from "../../core/workspace-port.js";
import type { RemoteClones } from "./remote-clones.js";

/**
 * The engine's workspace on a worker: before the task's worktree is made, its branch is synced
 * from the remote; after every step commit — and whenever a step's commit is found already on
 * the branch, which happens when a worker died between commit and push — the branch is pushed.
 * So `step.committed` in the log always means the commit is on the remote.
 */
export function workerWorkspace(inner: WorkspacePort, clones: RemoteClones): WorkspacePort {
  const cloneOf = new Map<string, string>();
  const push = async (taskId: string): Promise<void> => {
    const clone = cloneOf.get(taskId);
    if (clone !== undefined) await clones.pushTaskBranch(clone, taskId);
  };
  return {
    ...inner,
    async ensure(task) {
      cloneOf.set(task.id, task.repoPath);
      await clones.syncTaskBranch(task.repoPath, task.id);
      return inner.ensure(task);
    },
    async commitStep(worktree, commit) {
      const sha = await inner.commitStep(worktree, commit);
      await push(commit.taskId);
      return sha;
    },
    async findStepCommit(worktree, taskId, stepId) {
      const sha = await inner.findStepCommit(worktree, taskId, stepId);
      if (sha !== undefined) await push(taskId);
      return sha;
    },
  };
}
