import type { Clock, Memory, ModelProvider, ProcessRunner, Store } from "../core/ports.js";
import type { EventListener } from "../core/event-listener.js";
import type { GatePort } from "../core/gate-port.js";
import type { WorkspacePort } from "../core/workspace-port.js";
import type { ProjectConfig, ModelSpec } from "../core/project-config.js";
import type { ResilienceIo } from "../providers/resilience/index.js";

/** Everything the engine needs, handed in by its creator; tests hand in fakes. */
export interface EngineDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly config: ProjectConfig;
  readonly runner: ProcessRunner;
  readonly providerFor: (spec: ModelSpec) => ModelProvider;
  readonly workspace: WorkspacePort;
  readonly gate: GatePort;
  readonly listener?: EventListener;
  /** Environment for model processes of a task (the trace context); default none. */
  readonly childEnv?: (taskId: string, providerKind: string) => Record<string, string>;
  /** Waiting and chance for retries of failed model calls; tests make them instant. */
  readonly resilienceIo?: Partial<Pick<ResilienceIo, "sleep" | "random">>;
  /** Identifies this process in task leases. */
  readonly owner: string;
  readonly leaseTtlMs?: number;
  /** Lessons of earlier tasks, recalled into planner, implementer and reviewer prompts. */
  readonly memory?: Memory;
  /** How often a running model call records a `model.heartbeat` (default 15 s; 0: never). */
  readonly heartbeatMs?: number;
}
