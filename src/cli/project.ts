import { loadProjectConfig } from "../config/index.js";
import { parseDuration } from "../config/duration.js";
import { UserError } from "../core/errors.js";
import type { Memory, Store } from "../core/ports.js";
import { systemClock } from "../core/ports.js";
import type { ProjectConfig } from "../core/project-config.js";
import { projectTask } from "../core/projection.js";
import type { TaskView } from "../core/projection.js";
import { Engine, processOwner } from "../engine/engine.js";
import type { EngineDeps } from "../engine/engine-deps.js";
import type { EventListener } from "../core/event-listener.js";
import { createGatePort } from "../gate/index.js";
import { createWorkspacePort } from "../workspace/index.js";
import { NodeProcessRunner } from "../process/node-process-runner.js";
import { createProvider } from "../providers/index.js";
import { locateState, openStore } from "./state-store.js";
import { openMemory } from "../integrations/memory/index.js";
import { stateDbPath } from "./context.js";
import { EMPTY_GATE } from "./empty-gate.js";

/** A loaded project: its configuration, its store, and a way to build an engine on them. */
export interface OpenProject {
  readonly repoRoot: string;
  readonly config: ProjectConfig;
  readonly store: Store;
  /** Lessons of finished tasks (`memory:` in model_config.yaml). */
  readonly memory: Memory;
  engine(
    listener?: EventListener,
    childEnv?: (taskId: string, providerKind: string) => Record<string, string>,
    /**
     * Parts a worker replaces: its store (lease-fenced writes), its workspace (clones and
     * pushes) and its lease owner and TTL.
     */
    overrides?: Partial<Pick<EngineDeps, "store" | "workspace" | "owner" | "leaseTtlMs">>,
  ): Engine;
  /** The task's projected view (NEW with no events when it never ran). */
  taskView(taskId: string): Promise<TaskView>;
  close(): Promise<void>;
}

/** The composition root: real store, git, gate and providers, wired into the engine. */
export async function openProject(
  repoRoot: string,
  env: NodeJS.ProcessEnv,
  options: { requireTasks?: boolean; runsModels?: boolean; refuseEmptyGate?: boolean } = {},
): Promise<OpenProject> {
  const config = await loadProjectConfig(repoRoot, {
    env,
    requireTasks: options.requireTasks ?? true,
  });
  if (options.refuseEmptyGate === true && config.quality.checks.size === 0) {
    throw new UserError(
      `${EMPTY_GATE}: every step would be committed unchecked. Add checks to ` +
        ".orchestrator/quality_rules.yaml (see docs/GATE.md; `orchestrator init` detects them in " +
        "a new setup), or pass --allow-empty-gate to run with the reviews alone",
    );
  }
  // Commands that call models check every routed model can run before anything is written.
  if (options.runsModels === true) assertModelsRunnable(config);
  const location = await locateState(repoRoot, env);
  const store = await openStore(location);
  const memory = await openMemory({
    statePath: stateDbPath(repoRoot),
    databaseUrl: location.kind === "postgres" ? location.url : undefined,
    repoRoot,
    env,
    config: config.models.memory,
  }).catch(async (error: unknown) => {
    await store.close();
    throw error;
  });
  const runner = new NodeProcessRunner();
  const owner = processOwner();
  const heartbeatMs = heartbeatInterval(env);
  return {
    repoRoot,
    config,
    store,
    memory,
    engine: (listener, childEnv, overrides) =>
      new Engine({
        store,
        clock: systemClock,
        config,
        runner,
        providerFor: createProvider,
        workspace: createWorkspacePort(runner, repoRoot, {
          worktreesDir: config.models.worktreesDir,
        }),
        gate: createGatePort(runner, config.quality),
        owner,
        memory,
        ...(listener ? { listener } : {}),
        ...(childEnv ? { childEnv } : {}),
        ...(heartbeatMs === undefined ? {} : { heartbeatMs }),
        ...overrides,
      }),
    taskView: async (taskId) => projectTask(taskId, await store.events(taskId)),
    close: async () => {
      await memory.close();
      await store.close();
    },
  };
}

/** `ORCHESTRATOR_HEARTBEAT` (a duration such as `30s`; `0` turns heartbeats off). */
function heartbeatInterval(env: NodeJS.ProcessEnv): number | undefined {
  const raw = env.ORCHESTRATOR_HEARTBEAT;
  if (raw === undefined || raw.trim() === "") return undefined;
  if (raw.trim() === "0") return 0;
  const ms = parseDuration(raw);
  if (ms === undefined) {
    throw new UserError(
      `ORCHESTRATOR_HEARTBEAT: expected a duration such as "15s" or "1m" (or 0 for none), found "${raw}"`,
    );
  }
  return ms;
}

/** Builds each model the routing rules name once, so an unusable one fails before the run. */
export function assertModelsRunnable(config: ProjectConfig): void {
  const names = new Set(config.models.routing.rules.flatMap((r) => r.use));
  for (const name of names) {
    const spec = config.models.models.get(name);
    if (spec) createProvider(spec);
  }
}
