import { chmod, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, describe, expect, it } from "vitest";
import { NodeProcessRunner } from "../../src/process/node-process-runner.js";
import { cloneFolderName } from "../../src/scheduler/queue/remote-clones.js";
import { Git } from "../../src/workspace/git.js";
import { TempDatabases } from "../store/temp-pg.js";
import {
  createFleetProject,
  readAllEvents,
  startWorker,
  stepIds,
  waitForStates,
} from "../support/worker-fleet.js";
import type { FleetProject, FleetTask, WorkerProcess } from "../support/worker-fleet.js";

const dbs = new TempDatabases();
const projects: FleetProject[] = [];
const workers: WorkerProcess[] = [];
afterAll(async () => {
  for (const w of workers) if (w.child.pid !== undefined) w.child.kill("SIGCONT");
  await Promise.all(workers.map((w) => w.stop(5_000)));
  await Promise.all(projects.map((p) => p.cleanup()));
  await dbs.dropAll();
});

const TASK: FleetTask = { id: "T01", steps: 3 };

/** Every push that reaches the remote, with the pushing worker's name (its environment). */
async function logPushes(project: FleetProject): Promise<() => Promise<string[]>> {
  const log = join(project.dir, "pushes.log");
  await writeFile(log, "");
  const hook = join(project.remote, "hooks", "update");
  await writeFile(hook, `#!/bin/sh\necho "$FLEET_WORKER $1 $3" >> '${log}'\n`);
  await chmod(hook, 0o755);
  return async () => (await readFile(log, "utf8")).split("\n").filter(Boolean);
}

/** The task branch's commit in a worker's clone, or "" when it has none. */
async function cloneBranch(project: FleetProject, worker: WorkerProcess): Promise<string> {
  const clone = join(worker.checkout, ".orchestrator", "clones", cloneFolderName(project.remote));
  const git = new Git(new NodeProcessRunner(), clone, { env: project.env });
  const result = await git.tryRun(["rev-parse", "--verify", "--quiet", "orchestrator/T01"]);
  return result.stdout.trim();
}

async function until(
  what: string,
  check: () => boolean,
  timeoutMs: number,
  debug: () => string = () => "",
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${debug()}`);
    await sleep(100);
  }
}

describe("a worker whose lease lapsed", () => {
  it("stops its task: after SIGCONT it writes no event, makes no commit and pushes nothing", async () => {
    const db = await dbs.create();
    const project = await createFleetProject({ tasks: [TASK], delayMs: 800, databaseUrl: db.url });
    projects.push(project);
    const pushes = await logPushes(project);

    // w1 is frozen while its second step is being implemented: S1 is committed and pushed.
    let frozen = false;
    const w1 = await startWorker(project, "w1", {
      leaseTtl: "2s",
      env: { FLEET_WORKER: "w1" },
      onEvent: (event, worker) => {
        if (frozen || event.type !== "step.attempt" || event.stepId !== "S2") return;
        frozen = true;
        worker.child.kill("SIGSTOP");
      },
    });
    workers.push(w1);
    const submitted = await project.cli(["submit", "--batch"]);
    expect(submitted.code, submitted.stderr).toBe(0);
    await until(
      "w1 to reach step S2",
      () => frozen,
      120_000,
      () => w1.stderr,
    );
    const w1Branch = await cloneBranch(project, w1);
    expect(w1Branch).not.toBe("");
    const w1Pushes = (await pushes()).filter((l) => l.startsWith("w1 "));
    expect(w1Pushes).toHaveLength(1);

    // w2 finds the job orphaned once w1's lease lapses, takes it over and finishes the task.
    const w2 = await startWorker(project, "w2", {
      leaseTtl: "2s",
      env: { FLEET_WORKER: "w2" },
    });
    workers.push(w2);
    const states = await waitForStates(db.url, [TASK.id], 120_000);
    if (states.get(TASK.id) !== "DONE") process.stderr.write(`--- w2\n${w2.stderr}\n`);
    expect(states.get(TASK.id)).toBe("DONE");
    const doneEvents = (await readAllEvents(db.url, [TASK.id])).get(TASK.id) ?? [];
    const pushesAtDone = await pushes();

    // w1 wakes up. Its model answer arrives, but its lease is gone: it stops the task.
    w1.child.kill("SIGCONT");
    await until(
      "w1 to notice its lease is lost",
      () => w1.stderr.includes("T01: lease lost"),
      30_000,
    );
    await sleep(3_000);

    const after = (await readAllEvents(db.url, [TASK.id])).get(TASK.id) ?? [];
    expect(after.map((e) => e.seq)).toEqual(doneEvents.map((e) => e.seq));
    // In the log, w1's run ends where w2's begins: nothing of w1 follows w2's first event.
    const runs = after.map((e) => e.runId);
    const w2Run = runs[runs.length - 1];
    const firstOfW2 = runs.indexOf(w2Run ?? null);
    expect(runs.slice(firstOfW2).every((r) => r === w2Run)).toBe(true);
    expect(new Set(runs.slice(0, firstOfW2)).has(w2Run ?? null)).toBe(false);

    expect(await pushes()).toEqual(pushesAtDone);
    expect((await pushes()).filter((l) => l.startsWith("w1 "))).toEqual(w1Pushes);
    expect(await cloneBranch(project, w1)).toBe(w1Branch);

    // The remote holds exactly one commit per step.
    const steps = await project.remoteGit(
      "log",
      "--format=%(trailers:key=Orchestrator-Step,valueonly)",
      "main..orchestrator/T01",
    );
    expect(steps.split("\n").filter(Boolean).sort()).toEqual(stepIds(TASK));

    expect(await w1.stop()).toBe(0);
    expect(await w2.stop()).toBe(0);
  }, 420_000);
});
