import { afterAll, describe, expect, it } from "vitest";
import type { StoredEvent } from "../../src/core/events.js";
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
  await Promise.all(workers.map((w) => w.stop(5_000)));
  await Promise.all(projects.map((p) => p.cleanup()));
  await dbs.dropAll();
});

/** 12 tasks: eight independent ones, and a chain and a fan-in of dependent ones. */
const TASKS: FleetTask[] = [
  { id: "T01", steps: 2 },
  { id: "T02", steps: 2 },
  { id: "T03", steps: 3 },
  { id: "T04", steps: 2 },
  { id: "T05", steps: 2, dependsOn: ["T01"] },
  { id: "T06", steps: 3 },
  { id: "T07", steps: 2, dependsOn: ["T05"] },
  { id: "T08", steps: 2 },
  { id: "T09", steps: 2, dependsOn: ["T02", "T03"] },
  { id: "T10", steps: 2 },
  { id: "T11", steps: 3 },
  { id: "T12", steps: 2, dependsOn: ["T09", "T07"] },
];

/** `from -> to` of each transition: a lost or duplicated event breaks the chain. */
function checkChain(taskId: string, events: readonly StoredEvent[]): void {
  const seqs = events.map((e) => e.seq);
  expect(seqs, `${taskId}: seqs ascend`).toEqual([...seqs].sort((a, b) => a - b));
  let state = "NEW";
  for (const e of events) {
    if (e.body.type !== "transition") continue;
    expect(e.body.from, `${taskId}: transition at seq ${e.seq}`).toBe(state);
    state = e.body.to;
  }
  expect(state).toBe("DONE");
}

describe("workers on a shared PostgreSQL store and a bare remote", () => {
  it("finish 12 tasks across 3 workers when one is SIGKILLed mid-task", async () => {
    const db = await dbs.create();
    const project = await createFleetProject({
      tasks: TASKS,
      delayMs: 120,
      databaseUrl: db.url,
    });
    projects.push(project);

    const submitted = await project.cli(["submit", "--batch", "--json"]);
    expect(submitted.stderr).toBe("");
    expect(submitted.code).toBe(0);
    const rows = submitted.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { id: string; result: string });
    expect(rows.filter((r) => r.result === "queued").map((r) => r.id)).toEqual(
      TASKS.filter((t) => !t.dependsOn).map((t) => t.id),
    );

    // The victim dies in the middle of a task: after its first step is committed (and
    // pushed), while its second step is being implemented.
    let killed: { worker: string; task: string } | undefined;
    const onEvent = (event: Record<string, unknown>, worker: WorkerProcess): void => {
      if (killed || worker.name !== "w1") return;
      if (event.type === "step.attempt" && event.stepId === "S2") {
        killed = { worker: worker.name, task: String(event.task) };
        worker.child.kill("SIGKILL");
      }
    };
    for (const name of ["w1", "w2", "w3"]) {
      workers.push(await startWorker(project, name, { onEvent, maxMs: 470_000 }));
    }

    const ids = TASKS.map((t) => t.id);
    const states = await waitForStates(db.url, ids, 420_000);
    expect(killed).toBeDefined();
    if (![...states.values()].every((s) => s === "DONE")) {
      // What the workers said, to see why a task did not finish.
      for (const w of workers) process.stderr.write(`--- ${w.name}\n${w.stderr}\n`);
    }
    expect(Object.fromEntries(states)).toEqual(Object.fromEntries(ids.map((id) => [id, "DONE"])));

    // The remote holds exactly one commit per step of each task, with the step's file.
    for (const task of TASKS) {
      const branch = `orchestrator/${task.id}`;
      const steps = await project.remoteGit(
        "log",
        "--format=%(trailers:key=Orchestrator-Step,valueonly)",
        `main..${branch}`,
      );
      expect(steps.split("\n").filter(Boolean).sort(), task.id).toEqual(stepIds(task));
      for (const step of stepIds(task)) {
        expect(await project.remoteGit("show", `${branch}:out/${task.id}/${step}.txt`)).toBe(
          `${task.id} ${step}`,
        );
      }
    }

    // No event log has a gap: all sequence numbers are 1..N once, and each task's
    // transitions chain from NEW to DONE.
    const events = await readAllEvents(db.url, ids);
    const all = [...events.values()].flat().map((e) => e.seq);
    const max = Math.max(...all);
    expect(new Set(all).size).toBe(all.length);
    for (const [id, list] of events) checkChain(id, list);
    // The killed worker's task was finished by another worker: two runs wrote to it.
    const victim = events.get(killed?.task ?? "") ?? [];
    expect(new Set(victim.map((e) => e.runId)).size).toBeGreaterThanOrEqual(2);
    // Dependents started only after their dependencies were DONE.
    const doneAt = new Map(
      [...events].map(([id, list]) => [
        id,
        list.find((e) => e.body.type === "transition" && e.body.to === "DONE")?.seq ?? 0,
      ]),
    );
    for (const task of TASKS) {
      const started = events.get(task.id)?.[0]?.seq ?? 0;
      for (const dep of task.dependsOn ?? [])
        expect(started).toBeGreaterThan(doneAt.get(dep) ?? max);
    }

    // Status, log and report read the shared database from any checkout.
    const status = await project.cli(["status", "--json"]);
    expect(status.code).toBe(0);
    const statusRows = JSON.parse(status.stdout) as { id: string; state: string }[];
    expect(statusRows.map((r) => r.state)).toEqual(ids.map(() => "DONE"));
    const log = await project.cli(["log", killed?.task ?? "T01"]);
    expect(log.code).toBe(0);
    expect(log.stdout).toContain("DONE");

    // SIGTERM stops the remaining workers cleanly.
    const codes = await Promise.all(workers.filter((w) => w.name !== "w1").map((w) => w.stop()));
    expect(codes).toEqual([0, 0]);
  }, 480_000);
});
