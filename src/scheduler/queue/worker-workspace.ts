import type { WorkspacePort } from "../../core/workspace-port.js";
import type { RemoteClones } from "./remote-clones.js";
import type { TaskLeases } from "./task-leases.js";

/**
 * The engine's workspace on a worker: before the task's worktree is made, its branch is synced
 * from the remote; after every step commit — and whenever a step's commit is found already on
 * the branch, which happens when a worker died between commit and push — the branch is pushed.
 * So `step.committed` in the log always means the commit is on the remote. Nothing is synced,
 * committed or pushed once the worker no longer holds the task's lease (a push first confirms
 * the lease in the store).
 */
export function workerWorkspace(
  inner: WorkspacePort,
  clones: RemoteClones,
  leases: TaskLeases,
): WorkspacePort {
  const cloneOf = new Map<string, string>();
  const push = async (taskId: string): Promise<void> => {
    const clone = cloneOf.get(taskId);
    if (clone === undefined) return;
    await leases.confirm(taskId);
    await clones.pushTaskBranch(clone, taskId);
  };
  return {
    ...inner,
    async ensure(task, dependencies) {
      leases.assertHeld(task.id);
      cloneOf.set(task.id, task.repoPath);
      await clones.syncTaskBranch(task.repoPath, task.id);
      return inner.ensure(task, dependencies);
    },
    async commitStep(worktree, commit) {
      leases.assertHeld(commit.taskId);
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
