import type { ProcessRunner } from "../core/ports.js";
import type { Task } from "../core/task.js";
import { createTaskWorktree, removeTaskCheckout, removeTaskWorktree } from "./task-worktree.js";
import { Worktree } from "./worktree.js";
import { Git } from "./git.js";
import { fileAt, filesWithMarkers, startMerge } from "./dependency-merge.js";
import type { WorkspacePort } from "../core/workspace-port.js";

/** Settings of the workspace layer. */
export interface WorkspaceOptions {
  /** `worktrees_dir` of model_config.yaml; absent: under the user's state directory. */
  readonly worktreesDir?: string | undefined;
}

/** The engine's git side, on the real workspace layer. */
export function createWorkspacePort(
  runner: ProcessRunner,
  _repoRoot: string,
  options: WorkspaceOptions = {},
): WorkspacePort {
  const { worktreesDir } = options;
  const git = (path: string): Git => new Git(runner, path);
  // One Worktree per path, so what it looks up once (git dir, identity) is not asked again.
  const worktrees = new Map<string, Worktree>();
  const at = (path: string, baseSha?: string): Worktree => {
    let wt = worktrees.get(path);
    if (wt === undefined) {
      wt = new Worktree(runner, path, baseSha === undefined ? {} : { baseSha });
      worktrees.set(path, wt);
    }
    return wt;
  };
  return {
    async ensure(task: Task, dependencies) {
      const wt = await createTaskWorktree(runner, {
        repoRoot: task.repoPath,
        taskId: task.id,
        worktreesDir,
        ...(task.base === undefined ? {} : { base: task.base }),
        ...(dependencies === undefined ? {} : { dependencies }),
      });
      // The base just resolved (and checked) is the one the step commits are searched from.
      worktrees.delete(wt.path);
      at(wt.path, wt.baseSha);
      return {
        worktree: wt.path,
        branch: wt.branch,
        baseSha: wt.baseSha,
        dependencies: wt.dependencies,
        pendingMerges: wt.pendingMerges,
        origin: wt.origin,
      };
    },
    startMerge: (worktree, sha) => startMerge(git(worktree), sha),
    filesWithMarkers: (worktree, files) => filesWithMarkers(worktree, files),
    fileAt: (worktree, rev, file) => fileAt(git(worktree), rev, file),
    async changes(worktree) {
      const diff = await at(worktree).diff();
      return { patch: diff.patch, files: diff.files };
    },
    reset: (worktree) => at(worktree).discardChanges(),
    applyPatch: (worktree, patch) => at(worktree).applyPatch(patch),
    status: (worktree) => at(worktree).status(),
    async commitStep(worktree, { mergeOf, ...commit }) {
      // A merge step's resolution may have been restored after a crash or retry, which drops
      // git's merge state: record the merged commit again so the commit has both parents.
      if (mergeOf !== undefined) await startMerge(git(worktree), mergeOf);
      return at(worktree).commitStep(commit);
    },
    findStepCommit: (worktree, taskId, stepId) => at(worktree).findStepCommit(taskId, stepId),
    stepCommits: (worktree) => at(worktree).listStepCommits(),
    headSha: (worktree) => at(worktree).headSha(),
    remove: async (task) => {
      worktrees.clear();
      await removeTaskWorktree(runner, { repoRoot: task.repoPath, taskId: task.id, worktreesDir });
    },
    removeCheckout: async (task) => {
      worktrees.clear();
      await removeTaskCheckout(runner, { repoRoot: task.repoPath, taskId: task.id, worktreesDir });
    },
  };
}
