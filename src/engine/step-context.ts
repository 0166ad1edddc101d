import type { ModelSpec } from "../core/project-config.js";
import type { Task } from "../core/task.js";
import type { RoutingHistory } from "../routing/index.js";
import type { CallDeps } from "./model-caller.js";
import type { EngineDeps } from "./engine-deps.js";
import type { TaskWorkspace } from "../core/workspace-port.js";
import type { TaskRecorder } from "./task-recorder.js";

/** What every state handler works with while one task runs. */
export interface RunContext extends CallDeps {
  readonly deps: EngineDeps;
  readonly task: Task;
  readonly recorder: TaskRecorder;
  readonly workspace: TaskWorkspace;
  /** Aborted at the task's deadline or when the user interrupts. */
  readonly signal: AbortSignal;
  /** Where gate logs and other run artefacts are written. */
  readonly runDir: string;
  /** Outcomes of earlier attempts, when `routing.strategy` is `learned`. */
  readonly history?: RoutingHistory | undefined;
}

/** Looks up a configured model by name; the config guarantees it exists. */
export function modelNamed(ctx: RunContext, name: string): ModelSpec | undefined {
  return ctx.deps.config.models.models.get(name);
}
