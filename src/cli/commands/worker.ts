import { join, resolve } from "node:path";
import type { Command } from "commander";
import { parseDuration } from "../../config/duration.js";
import { UserError } from "../../core/errors.js";
import { systemClock } from "../../core/ports.js";
import { processOwner } from "../../engine/engine.js";
import { createWorkspacePort } from "../../workspace/index.js";
import { NodeProcessRunner } from "../../process/node-process-runner.js";
import { RemoteClones } from "../../scheduler/queue/remote-clones.js";
import { LeaseFencedStore } from "../../scheduler/queue/fenced-store.js";
import { TaskLeases } from "../../scheduler/queue/task-leases.js";
import { TaskQueue } from "../../scheduler/queue/task-queue.js";
import { Worker } from "../../scheduler/queue/worker.js";
import { workerWorkspace } from "../../scheduler/queue/worker-workspace.js";
import type { CliContext, GlobalOptions } from "../context.js";
import { findRepoRoot, outputFor } from "../context.js";
import { startObservers } from "../observers.js";
import { progressListener } from "../progress.js";
import { openProject } from "../project.js";
import { sharedStoreUrl } from "../shared-store.js";

interface WorkerOptions extends GlobalOptions {
  readonly concurrency?: string;
  readonly clones?: string;
  readonly leaseTtl?: string;
}

const DEFAULT_LEASE_TTL_MS = 30_000;

function parseConcurrency(text: string | undefined): number {
  if (text === undefined) return 1;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 64) {
    throw new UserError(`--concurrency: expected a whole number from 1 to 64, found "${text}"`);
  }
  return n;
}

function parseLeaseTtl(text: string | undefined): number {
  if (text === undefined) return DEFAULT_LEASE_TTL_MS;
  const ms = parseDuration(text);
  if (ms === undefined || ms < 1000) {
    throw new UserError(
      `--lease-ttl: expected a duration of at least 1s (e.g. 30s), found "${text}"`,
    );
  }
  return ms;
}

/** Resolves when SIGTERM or SIGINT arrives. */
function stopRequested(): { promise: Promise<string>; dispose: () => void } {
  let dispose = (): void => undefined;
  const promise = new Promise<string>((resolveSignal) => {
    const on = (signal: string) => () => {
      resolveSignal(signal);
    };
    const term = on("SIGTERM");
    const int = on("SIGINT");
    process.once("SIGTERM", term);
    process.once("SIGINT", int);
    dispose = () => {
      process.off("SIGTERM", term);
      process.off("SIGINT", int);
    };
  });
  return { promise, dispose };
}

export function registerWorker(program: Command, ctx: CliContext): void {
  program
    .command("worker")
    .description("take tasks from the shared queue and run them here, until SIGTERM")
    .option("--concurrency <n>", "tasks run at once (default 1)")
    .option(
      "--clones <dir>",
      "where the task repositories are cloned (default .orchestrator/clones)",
    )
    .option(
      "--lease-ttl <duration>",
      "how soon a task of a dead worker is taken over (default 30s)",
    )
    .option("--json", "print one JSON line per event")
    .action(async (options: WorkerOptions) => {
      const global = program.opts<GlobalOptions>();
      const out = outputFor(ctx, options);
      const concurrency = parseConcurrency(options.concurrency);
      const leaseTtlMs = parseLeaseTtl(options.leaseTtl);
      const repoRoot = await findRepoRoot(ctx, global.repo);
      const url = await sharedStoreUrl(repoRoot, ctx.env, "worker");
      const project = await openProject(repoRoot, ctx.env, {
        requireTasks: false,
        runsModels: true,
      });
      const stop = stopRequested();
      let queue: TaskQueue | undefined;
      const run = await project.store.startRun("worker");
      const observers = await startObservers(ctx, project, run, {
        logLevel: global.logLevel,
        progress: progressListener(out),
      });
      try {
        queue = await TaskQueue.open(url);
        const runner = new NodeProcessRunner();
        const clones = new RemoteClones(
          runner,
          resolve(ctx.cwd, options.clones ?? join(project.config.configDir, "clones")),
        );
        const owner = processOwner();
        const log = (line: string): void => {
          out.err(`orchestrator worker: ${line}`);
        };
        const leases = new TaskLeases({ store: project.store, owner, ttlMs: leaseTtlMs, log });
        const engine = project.engine(observers.listener, observers.childEnv, {
          store: new LeaseFencedStore(project.store, leases, owner),
          workspace: workerWorkspace(createWorkspacePort(runner, repoRoot), clones, leases),
          owner,
          leaseTtlMs,
        });
        const worker = new Worker({
          store: project.store,
          queue,
          clones,
          leases,
          owner,
          leaseTtlMs,
          runTask: (task, signal) => engine.runTask(task, run.id, signal),
          log,
          now: () => systemClock.now(),
        });
        await worker.start(concurrency);
        out.err(`orchestrator worker: ${owner} taking tasks, ${concurrency} at a time`);
        const signal = await stop.promise;
        out.err(`orchestrator worker: ${signal}: parking the tasks in hand`);
        await worker.stop();
        queue = undefined;
        await project.store.finishRun(run.id, "stopped");
        await observers.finish("stopped");
      } finally {
        stop.dispose();
        await queue?.close();
        await project.close();
      }
    });
}
