/**
 * bench/workers: throughput of `orchestrator worker` processes sharing one PostgreSQL store and
 * one bare git remote, with 1, 2 and 4 workers. Scripted models answer after a fixed latency
 * (a stand-in for a real model call); everything else is real: the CLI, pg-boss, git clones,
 * pushes, the gate. Time is measured from outside, from `submit` until the store says every task
 * is DONE. The physical floor is the models' latency alone: tasks x calls x latency / workers.
 */
import { cpus, loadavg } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { createTempDatabase } from "../test/store/temp-pg.js";
import {
  createFleetProject,
  readAllEvents,
  startWorker,
  waitForStates,
} from "../test/support/worker-fleet.js";
import type { FleetTask, WorkerProcess } from "../test/support/worker-fleet.js";

const TASK_COUNT = 8;
const STEPS = 2;
const LATENCY_MS = 2000;
/** planner, plan reviewer, then an implementer and a code reviewer per step. */
const CALLS_PER_TASK = 2 + 2 * STEPS;
const TARGET_SPEEDUP = 3.4;

interface Measure {
  readonly workers: number;
  readonly seconds: number;
  readonly tasksPerMinute: number;
  readonly floorSeconds: number;
  /** Seconds each task spent outside model calls: worker-seconds per task minus its calls. */
  readonly overheadPerTask: number;
  /** The 1-minute load average when the measure ended (the machine is shared). */
  readonly load: number;
}

async function measure(workerCount: number): Promise<Measure> {
  const tasks: FleetTask[] = Array.from({ length: TASK_COUNT }, (_, i) => ({
    id: `B${String(i + 1).padStart(2, "0")}`,
    steps: STEPS,
  }));
  const db = await createTempDatabase();
  const project = await createFleetProject({ tasks, delayMs: LATENCY_MS, databaseUrl: db.url });
  const workers: WorkerProcess[] = [];
  try {
    // Workers start (clone, connect) before the clock starts, as a standing fleet would be.
    for (let i = 0; i < workerCount; i++)
      workers.push(await startWorker(project, `w${i + 1}`, { maxMs: 30 * 60_000 }));
    await sleep(3000);
    const started = performance.now();
    const submitted = await project.cli(["submit", "--batch"]);
    if (submitted.code !== 0) throw new Error(`submit failed: ${submitted.stderr}`);
    const ids = tasks.map((t) => t.id);
    const states = await waitForStates(db.url, ids, 20 * 60_000);
    const seconds = (performance.now() - started) / 1000;
    const notDone = [...states].filter(([, s]) => s !== "DONE");
    if (notDone.length > 0) throw new Error(`not DONE: ${JSON.stringify(notDone)}`);
    const events = await readAllEvents(db.url, ids);
    const calls = [...events.values()].flat().filter((e) => e.body.type === "model.call").length;
    const floorSeconds = (calls * LATENCY_MS) / 1000 / workerCount;
    return {
      workers: workerCount,
      seconds,
      tasksPerMinute: (TASK_COUNT / seconds) * 60,
      floorSeconds,
      overheadPerTask: (seconds * workerCount - (calls * LATENCY_MS) / 1000) / TASK_COUNT,
      load: loadavg()[0] ?? 0,
    };
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
    await project.cleanup();
    await db.drop();
  }
}

export async function main(args: string[]): Promise<void> {
  const counts = args.length > 0 ? args.map(Number) : [1, 2, 4];
  console.log(
    `bench/workers: ${TASK_COUNT} independent tasks x ${STEPS} steps, ${CALLS_PER_TASK} model calls per task at ${LATENCY_MS} ms each`,
  );
  console.log(
    `  machine: ${cpus().length} cores, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")} at the start`,
  );
  const results: Measure[] = [];
  for (const n of counts) {
    const m = await measure(n);
    results.push(m);
    console.log(
      `  ${n} worker(s): ${m.seconds.toFixed(1)} s, ${m.tasksPerMinute.toFixed(1)} tasks/min ` +
        `(model-latency floor ${m.floorSeconds.toFixed(1)} s; ${m.overheadPerTask.toFixed(1)} s ` +
        `per task outside model calls; load ${m.load.toFixed(2)})`,
    );
  }
  const one = results.find((r) => r.workers === 1);
  const four = results.find((r) => r.workers === 4);
  for (const r of results) {
    if (!one || r.workers === 1) continue;
    console.log(`  speed-up with ${r.workers} workers: ${(one.seconds / r.seconds).toFixed(2)}x`);
  }
  if (one && four) {
    const speedup = one.seconds / four.seconds;
    console.log(
      `verdict: 4 workers ${speedup.toFixed(2)}x one worker (target >= ${TARGET_SPEEDUP}x): ` +
        (speedup >= TARGET_SPEEDUP ? "PASS" : "FAIL"),
    );
  }
}
