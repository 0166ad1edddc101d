import { join } from "node:path";
import type { Clock, ModelProvider } from "../../src/core/ports.js";
import type {
  ModelSpec,
  ModelsConfig,
  ProjectConfig,
  QualityConfig,
  RoutingRule,
} from "../../src/core/project-config.js";
import type { Task } from "../../src/core/task.js";
import { Engine } from "../../src/engine/engine.js";
import type { TaskOutcome } from "../../src/engine/engine.js";
import type { EngineDeps } from "../../src/engine/engine-deps.js";
import type { GatePort } from "../../src/core/gate-port.js";
import type { EventListener } from "../../src/core/event-listener.js";
import { createWorkspacePort } from "../../src/workspace/index.js";
import { ScriptedProvider } from "../../src/providers/scripted-provider.js";
import type { Script } from "../../src/providers/scripted-provider.js";
import { createTempRepo } from "../workspace/temp-repo.js";
import type { TempRepo } from "../workspace/temp-repo.js";
import { MemoryStore } from "./memory-store.js";

export function scripted(name: string, family: string, tier: ModelSpec["tier"]): ModelSpec {
  return {
    name,
    provider: "scripted",
    model: `${name}-v1`,
    family,
    tier,
    price: { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
    args: [],
    env: {},
    timeoutMs: 60_000,
  };
}

export const rule = (index: number, roles: RoutingRule["roles"], use: string[]): RoutingRule => ({
  roles,
  use,
  reason: "test routing",
  index,
});

export interface HarnessOptions {
  readonly script: Script;
  readonly gate?: GatePort;
  readonly mode?: "text" | "agent";
  readonly quality?: Partial<QualityConfig>;
  readonly task?: Partial<Task>;
  readonly clock?: Clock;
  readonly listener?: EventListener;
  readonly childEnv?: (taskId: string, providerKind: string) => Record<string, string>;
  /** Wraps each model, e.g. to watch its requests. */
  readonly wrapProvider?: (provider: ModelProvider) => ModelProvider;
  /** Changes the models and routing (add models, a ladder, budgets, a strategy). */
  readonly models?: (models: ModelsConfig) => ModelsConfig;
  /** Waiting and chance of retries of failed model calls (default: no waiting). */
  readonly resilienceIo?: EngineDeps["resilienceIo"];
}

export interface Harness {
  readonly repo: TempRepo;
  readonly store: MemoryStore;
  readonly task: Task;
  readonly config: ProjectConfig;
  engine(): Engine;
  run(): Promise<TaskOutcome>;
  /** Subjects of the task branch's commits since its base, oldest first. */
  branchLog(): Promise<string[]>;
}

/** A passing gate that runs nothing. */
export const passingGate: GatePort = () =>
  Promise.resolve({ passed: true, checks: [], feedback: "" });

/** A task in a real temp git repo, scripted models of two families, an in-memory store. */
export async function createHarness(options: HarnessOptions): Promise<Harness> {
  const repo = await createTempRepo();
  const models = [
    scripted("claude", "anthropic", "strong"),
    scripted("gemini", "google", "medium"),
  ];
  const config: ProjectConfig = {
    repoRoot: repo.root,
    configDir: join(repo.root, ".orchestrator"),
    tasks: [],
    models: (options.models ?? ((m: ModelsConfig) => m))({
      models: new Map(models.map((m) => [m.name, m])),
      routing: {
        strategy: "rules",
        crossReview: true,
        implementerMode: options.mode ?? "agent",
        rules: [
          rule(1, ["planner", "implementer"], ["claude"]),
          rule(2, ["plan_reviewer", "code_reviewer"], ["claude", "gemini"]),
        ],
      },
    }),
    quality: {
      checks: new Map(),
      levels: { TRIVIAL: [], SMALL: [], MEDIUM: [], LARGE: [] },
      defaultLevel: "MEDIUM",
      maxAttempts: 3,
      planReviewRounds: 2,
      policyDocs: [],
      contextTokenBudget: 20_000,
      ...options.quality,
    },
  };
  const task: Task = {
    id: "T-1",
    goal: "Add a greeting module",
    risk: "medium",
    area: "core",
    repoPath: repo.root,
    repo: ".",
    contextFiles: ["README.md"],
    constraints: ["ZERO-WARNINGS"],
    priority: 0,
    dependsOn: [],
    timeoutMs: 60 * 60 * 1000,
    ...options.task,
  };
  const store = new MemoryStore(options.clock);
  const engine = (): Engine =>
    new Engine({
      store,
      clock: options.clock ?? { now: () => Date.now() },
      config,
      runner: repo.runner,
      providerFor: (spec) => {
        const provider = new ScriptedProvider(spec, options.script);
        return options.wrapProvider ? options.wrapProvider(provider) : provider;
      },
      workspace: createWorkspacePort(repo.runner, repo.root),
      gate: options.gate ?? passingGate,
      owner: "test",
      resilienceIo: options.resilienceIo ?? { sleep: () => Promise.resolve() },
      ...(options.listener ? { listener: options.listener } : {}),
      ...(options.childEnv ? { childEnv: options.childEnv } : {}),
    });
  return {
    repo,
    store,
    task,
    config,
    engine,
    run: () => engine().runTask(task, null),
    branchLog: async () => {
      const out = await repo.sh("log", "--format=%s", "--reverse", `main..orchestrator/${task.id}`);
      return out === "" ? [] : out.split("\n");
    },
  };
}
