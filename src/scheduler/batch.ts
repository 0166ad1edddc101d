import type { TaskView } from "../core/projection.js";
import type { TaskState } from "../core/state-machine.js";
import type { Task } from "../core/task.js";
import type { RunTaskOptions, TaskOutcome } from "../engine/engine.js";
import { taskBranchName } from "../workspace/index.js";
import type { BacklogResult } from "./backlog.js";
import { runBacklog } from "./backlog.js";
import type { BlockedTask } from "./readiness.js";

/** The engine as the batch needs it: runs one task. */
export interface TaskRunner {
  runTask(
    task: Task,
    runId: string | null,
    signal?: AbortSignal,
    options?: RunTaskOptions,
  ): Promise<TaskOutcome>;
}

export interface BatchOptions {
  /** The tasks to run, in file order. */
  readonly tasks: readonly Task[];
  readonly jobs: number;
  readonly engine: TaskRunner;
  /** A task's current view from the store (NEW with no events when it never ran). */
  readonly taskView: (taskId: string) => Promise<TaskView>;
  /** Every task of tasks.yaml, to look up dependencies outside the batch. */
  readonly allTaskIds: readonly string[];
  readonly runId: string | null;
  readonly signal?: AbortSignal;
  /** Start even when a dependency is not DONE, building only on those that are. */
  readonly ignoreDeps?: boolean;
  readonly onBlocked?: (blocked: BlockedTask) => void;
}

/**
 * Runs tasks concurrently in `jobs` lanes, each on the branches of its DONE dependencies
 * (see {@link runBacklog} for the order and the limits).
 */
export async function runBatch(options: BatchOptions): Promise<BacklogResult<TaskOutcome>> {
  const states = new Map<string, TaskState>();
  for (const id of options.allTaskIds) states.set(id, (await options.taskView(id)).status);
  return runBacklog<TaskOutcome>({
    tasks: options.tasks,
    jobs: options.jobs,
    ...(options.signal ? { signal: options.signal } : {}),
    stateOf: (id) => (options.ignoreDeps === true ? "DONE" : (states.get(id) ?? "NEW")),
    ...(options.onBlocked ? { onBlocked: options.onBlocked } : {}),
    runTask: async (task) => {
      const dependencies = await dependencyBranches(task, options.taskView);
      return options.engine.runTask(task, options.runId, options.signal, { dependencies });
    },
  });
}

/** The branches of a task's dependencies that ended DONE, in `depends_on` order. */
export async function dependencyBranches(
  task: Task,
  taskView: (taskId: string) => Promise<TaskView>,
): Promise<{ taskId: string; branch: string }[]> {
  const out: { taskId: string; branch: string }[] = [];
  for (const id of task.dependsOn) {
    const view = await taskView(id);
    if (view.status !== "DONE") continue;
    out.push({ taskId: id, branch: view.workspace?.branch ?? taskBranchName(id) });
  }
  return out;
}
