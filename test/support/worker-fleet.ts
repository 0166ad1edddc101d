import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { stringify } from "yaml";
import type { StoredEvent } from "../../src/core/events.js";
import { projectTask } from "../../src/core/projection.js";
import { Git } from "../../src/workspace/git.js";
import { NodeProcessRunner } from "../../src/process/node-process-runner.js";
import { openPostgresStore } from "../../src/store/postgres-store.js";
import type { PostgresStore } from "../../src/store/postgres-store.js";
import { CLI, runCli } from "./cli.js";
import type { CliResult } from "./cli.js";
import { happyScript } from "./script-builder.js";

/** One task of a fleet project: its id, its dependencies and its number of steps. */
export interface FleetTask {
  readonly id: string;
  readonly dependsOn?: readonly string[];
  readonly steps: number;
}

/**
 * A project for workers: a bare repository as the shared remote, a seed clone holding the
 * `.orchestrator/` files (scripted models, every answer delayed by `delayMs`), and the
 * environment every process gets (the shared database, a private git config).
 */
export interface FleetProject {
  readonly dir: string;
  readonly remote: string;
  readonly seed: string;
  readonly env: Record<string, string>;
  readonly tasks: readonly FleetTask[];
  /** Git on the bare remote. */
  remoteGit(...args: string[]): Promise<string>;
  /** `orchestrator ARGS` in the seed clone. */
  cli(args: readonly string[]): Promise<CliResult>;
  cleanup(): Promise<void>;
}

/** The step ids of a task: S1..Sn. */
export const stepIds = (task: FleetTask): string[] =>
  Array.from({ length: task.steps }, (_, i) => `S${i + 1}`);

function scriptFor(tasks: readonly FleetTask[], delayMs: number): unknown {
  const answers = tasks.flatMap((task) =>
    happyScript(
      task.id,
      stepIds(task).map((id) => ({
        id,
        description: `Write ${task.id} ${id}`,
        files: { [`out/${task.id}/${id}.txt`]: `${task.id} ${id}\n` },
      })),
    ).answers.map((a) => ({ ...a, task: task.id, delay_ms: delayMs })),
  );
  return { answers };
}

async function writeConfig(seed: string, remote: string, o: FleetOptions): Promise<void> {
  const dir = join(seed, ".orchestrator");
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, ".gitignore"), "state.db*\nworktrees/\nruns/\nclones/\n");
  await writeFile(join(dir, "script.yaml"), stringify(scriptFor(o.tasks, o.delayMs)));
  await writeFile(
    join(dir, "tasks.yaml"),
    stringify({
      repos: { app: { path: ".", remote } },
      defaults: { repo: "app", risk: "low", area: "core" },
      tasks: o.tasks.map((t) => ({
        id: t.id,
        goal: `Write the files of ${t.id}`,
        ...(t.dependsOn && t.dependsOn.length > 0 ? { depends_on: [...t.dependsOn] } : {}),
      })),
    }),
  );
  const model = (name: string, family: string) => ({
    provider: "scripted",
    model: `${name}-scripted`,
    family,
    tier: "strong",
    price: { input: 3, output: 15 },
    script: "script.yaml",
  });
  await writeFile(
    join(dir, "model_config.yaml"),
    stringify({
      store: "${ORCHESTRATOR_TEST_STORE}",
      models: { author: model("author", "anthropic"), reviewer: model("reviewer", "google") },
      routing: {
        implementer_mode: "agent",
        rules: [
          { role: ["planner", "implementer"], use: "author", reason: "author" },
          { role: ["plan_reviewer", "code_reviewer"], use: "reviewer", reason: "cross-check" },
        ],
      },
    }),
  );
  const checks = { test: { command: ["node", "-e", "process.exit(0)"], kind: "tests" } };
  await writeFile(
    join(dir, "quality_rules.yaml"),
    stringify({
      checks,
      levels: { TRIVIAL: ["test"], SMALL: ["test"], MEDIUM: ["test"], LARGE: ["test"] },
    }),
  );
}

export interface FleetOptions {
  readonly tasks: readonly FleetTask[];
  /** Every scripted model answer takes this long (a stand-in for a model's latency). */
  readonly delayMs: number;
  /** The shared PostgreSQL database. */
  readonly databaseUrl: string;
}

/** Creates the remote, pushes the seed with its configuration, and returns the project. */
export async function createFleetProject(o: FleetOptions): Promise<FleetProject> {
  const dir = await mkdtemp(join(tmpdir(), "orchestrator-fleet-"));
  const gitConfig = join(dir, "gitconfig");
  await writeFile(
    gitConfig,
    "[user]\n\tname = Fleet Test\n\temail = fleet@example.com\n[init]\n\tdefaultBranch = main\n",
  );
  const env = {
    GIT_CONFIG_GLOBAL: gitConfig,
    GIT_CONFIG_NOSYSTEM: "1",
    ORCHESTRATOR_TEST_STORE: o.databaseUrl,
    NO_COLOR: "1",
  };
  const runner = new NodeProcessRunner();
  const git = (cwd: string) => new Git(runner, cwd, { env });
  const remote = join(dir, "remote.git");
  const seed = join(dir, "seed");
  await git(dir).run(["init", "--quiet", "--bare", "-b", "main", remote]);
  await git(dir).run(["clone", "--quiet", remote, seed]);
  await writeFile(join(seed, "README.md"), "# fleet\n");
  await writeConfig(seed, remote, o);
  await git(seed).run(["add", "--all"]);
  await git(seed).run(["commit", "--quiet", "-m", "project and orchestrator config"]);
  await git(seed).run(["push", "--quiet", "origin", "main"]);
  return {
    dir,
    remote,
    seed,
    env,
    tasks: o.tasks,
    remoteGit: async (...args) => (await git(remote).run(args)).trim(),
    cli: (args) => runCli(args, seed, env),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/** A running `orchestrator worker` process with its own clone of the project. */
export interface WorkerProcess {
  readonly name: string;
  /** Its checkout of the project (its clones are under `.orchestrator/clones`). */
  readonly checkout: string;
  readonly child: ChildProcess;
  /** Events it printed (`--json`), in order. */
  readonly events: Record<string, unknown>[];
  stderr: string;
  /** Resolves with the exit code (or signal) once the process is gone. */
  readonly exited: Promise<number | string>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when it is gone. */
  stop(graceMs?: number): Promise<number | string>;
}

/**
 * Clones the project for a worker and starts `orchestrator worker` there. `onEvent` sees every
 * event the worker prints; the worker is killed after `maxMs` whatever happens.
 */
export async function startWorker(
  project: FleetProject,
  name: string,
  options: {
    concurrency?: number;
    leaseTtl?: string;
    maxMs?: number;
    /** Extra environment of the worker process (and so of its git pushes). */
    env?: Record<string, string>;
    onEvent?: (event: Record<string, unknown>, worker: WorkerProcess) => void;
  } = {},
): Promise<WorkerProcess> {
  const home = join(project.dir, "workers", name);
  await mkdir(home, { recursive: true });
  const checkout = join(home, "project");
  await new Git(new NodeProcessRunner(), home, { env: project.env }).run([
    "clone",
    "--quiet",
    project.remote,
    checkout,
  ]);
  const child = spawn(
    process.execPath,
    [
      CLI,
      "worker",
      "--json",
      "--concurrency",
      String(options.concurrency ?? 1),
      "--lease-ttl",
      options.leaseTtl ?? "10s",
    ],
    {
      cwd: checkout,
      env: { ...process.env, ...project.env, ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const exited = new Promise<number | string>((resolve) => {
    child.on("close", (code, signal) => {
      resolve(code ?? signal ?? "unknown");
    });
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), options.maxMs ?? 240_000);
  void exited.finally(() => {
    clearTimeout(timer);
  });
  const worker: WorkerProcess = {
    name,
    checkout,
    child,
    events: [],
    stderr: "",
    exited,
    async stop(graceMs = 15_000) {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill("SIGTERM");
      const kill = setTimeout(() => child.kill("SIGKILL"), graceMs);
      const result = await exited;
      clearTimeout(kill);
      return result;
    },
  };
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    worker.stderr += chunk;
  });
  createInterface({ input: child.stdout }).on("line", (line) => {
    let event: unknown;
    try {
      event = JSON.parse(line);
    } catch {
      return;
    }
    if (typeof event !== "object" || event === null) return;
    const record = event as Record<string, unknown>;
    worker.events.push(record);
    options.onEvent?.(record, worker);
  });
  return worker;
}

/** Polls the store until every task is DONE (or `timeoutMs` passes); returns the states. */
export async function waitForStates(
  url: string,
  ids: readonly string[],
  timeoutMs: number,
  until: (states: Map<string, string>) => boolean = (s) =>
    [...s.values()].every((state) => state === "DONE"),
): Promise<Map<string, string>> {
  const store: PostgresStore = await openPostgresStore(url);
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const states = new Map<string, string>();
      for (const id of ids) states.set(id, projectTask(id, await store.events(id)).status);
      if (until(states) || Date.now() > deadline) return states;
      await sleep(250);
    }
  } finally {
    await store.close();
  }
}

/** Every event of every task, read from the shared store. */
export async function readAllEvents(
  url: string,
  ids: readonly string[],
): Promise<Map<string, StoredEvent[]>> {
  const store = await openPostgresStore(url);
  try {
    const all = new Map<string, StoredEvent[]>();
    for (const id of ids) all.set(id, await store.events(id));
    return all;
  } finally {
    await store.close();
  }
}
