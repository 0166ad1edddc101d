import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { z } from "zod";
import type { EventBodySchema, EventBody } from "../../src/core/events.js";
import type {
  BudgetReservationRequest,
  ChildProcessRecord,
  Clock,
  Store,
} from "../../src/core/ports.js";
import type { Task } from "../../src/core/task.js";

/** A clock tests move by hand. */
export class FakeClock implements Clock {
  constructor(private time = 1_700_000_000_000) {}
  now(): number {
    return this.time;
  }
  advance(ms: number): void {
    this.time += ms;
  }
}

/** A valid task with the given id. */
export function sampleTask(id: string, goal = `goal of ${id}`): Task {
  return {
    id,
    goal,
    risk: "low",
    area: "core",
    repoPath: "/repo",
    repo: ".",
    contextFiles: [],
    constraints: [],
    priority: 0,
    dependsOn: [],
    timeoutMs: 60_000,
  };
}

/** A small valid event body. */
export function note(message: string): EventBody {
  return { type: "note", level: "info", message };
}

/**
 * The behaviour every {@link Store} shares, run against each implementation (and the
 * in-memory fake) so they cannot drift apart. `makeStore` returns a fresh, empty store.
 */
export function describeStoreContract(
  name: string,
  makeStore: (clock: Clock) => Promise<Store>,
): void {
  describe(`Store contract: ${name}`, () => {
    let clock: FakeClock;
    let store: Store;
    beforeEach(async () => {
      clock = new FakeClock();
      store = await makeStore(clock);
    });
    afterEach(async () => {
      await store.close();
    });

    describeEventLog(() => ({ clock, store }));
    describeTasksAndRuns(() => ({ clock, store }));
    describeLeases(() => ({ clock, store }));
    describeBudgetLedger(() => ({ clock, store }));
    describeChildren(() => ({ clock, store }));
  });
}

/** Turns a synchronous throw (the in-memory fake's) into a rejection, as `await` would. */
function later<T>(fn: () => Promise<T>): Promise<T> {
  return Promise.resolve().then(fn);
}

type Fixture = () => { clock: FakeClock; store: Store };

function describeEventLog(fixture: Fixture): void {
  it("appends events with increasing seqs, the clock's time and the normalised body", async () => {
    const { clock, store } = fixture();
    const first = await store.append("T1", "R1", note("one"));
    clock.advance(5);
    // cacheRead and cacheWrite left out: the schema defaults them.
    const raw: z.input<typeof EventBodySchema> = {
      type: "model.call",
      role: "planner",
      model: "m",
      provider: "p",
      modelId: "id",
      family: "f",
      prompt: "q",
      response: "a",
      usage: { input: 1, output: 2 },
      costUsd: 0,
      durationMs: 3,
      ok: true,
    };
    // @ts-expect-error -- the port takes parsed bodies; this one relies on the schema's defaults
    const second = await store.append("T1", null, raw);
    expect(first).toEqual({
      seq: 1,
      taskId: "T1",
      runId: "R1",
      at: clock.now() - 5,
      body: note("one"),
    });
    expect(second.seq).toBe(2);
    expect(second.runId).toBeNull();
    expect(second.at).toBe(clock.now());
    // Defaults are applied on write, so what is returned is what is read back.
    expect(second.body).toMatchObject({
      usage: { input: 1, output: 2, cacheRead: 0, cacheWrite: 0 },
    });
    expect(await store.events("T1")).toEqual([first, second]);
  });

  it("reads one task's events in log order, optionally after a seq", async () => {
    const { store } = fixture();
    const log: [string, string][] = [
      ["A", "a1"],
      ["B", "b1"],
      ["A", "a2"],
      ["A", "a3"],
      ["B", "b2"],
    ];
    for (const [task, msg] of log) await store.append(task, null, note(msg));
    const messages = (events: { body: EventBody }[]): string[] =>
      events.map((e) => (e.body.type === "note" ? e.body.message : e.body.type));
    expect(messages(await store.events("A"))).toEqual(["a1", "a2", "a3"]);
    expect((await store.events("A")).map((e) => e.seq)).toEqual([1, 3, 4]);
    expect(messages(await store.events("A", 1))).toEqual(["a2", "a3"]);
    expect(messages(await store.events("A", 3))).toEqual(["a3"]);
    expect(await store.events("A", 4)).toEqual([]);
    expect(messages(await store.events("B", 0))).toEqual(["b1", "b2"]);
    expect(await store.events("nobody")).toEqual([]);
  });

  it("reads one run's events across tasks in log order", async () => {
    const { store } = fixture();
    await store.append("A", "R1", note("1"));
    await store.append("B", "R2", note("2"));
    await store.append("B", "R1", note("3"));
    await store.append("A", null, note("4"));
    const r1 = await store.runEvents("R1");
    expect(r1.map((e) => [e.seq, e.taskId])).toEqual([
      [1, "A"],
      [3, "B"],
    ]);
    expect((await store.runEvents("R2")).map((e) => e.seq)).toEqual([2]);
    expect(await store.runEvents("R3")).toEqual([]);
  });

  it("commits an unsynced batch like a synced one: visible, in order, all of it or none", async () => {
    const { store } = fixture();
    const lazy = await store.appendAll("T1", "R1", [note("a"), note("b")], { sync: false });
    const synced = await store.appendAll("T1", "R1", [note("c")], { sync: true });
    expect([...lazy, ...synced].map((e) => [e.seq, e.body])).toEqual([
      [1, note("a")],
      [2, note("b")],
      [3, note("c")],
    ]);
    const bad: unknown = { type: "note", level: "loud", message: "x" };
    // @ts-expect-error -- deliberately invalid at runtime
    const mixed: EventBody[] = [note("d"), bad];
    await expect(
      later(() => store.appendAll("T1", null, mixed, { sync: false })),
    ).rejects.toThrow();
    expect(await store.events("T1")).toEqual([...lazy, ...synced]);
    // The connection is left as it was: a plain append after an unsynced one works as before.
    expect((await store.append("T1", null, note("after"))).seq).toBe(4);
  });

  it("appends a batch with consecutive seqs in order, and all of it or none", async () => {
    const { store } = fixture();
    await store.append("T1", null, note("before"));
    const batch = await store.appendAll("T1", "R1", [note("a"), note("b"), note("c")]);
    expect(batch.map((e) => [e.seq, e.runId, e.body])).toEqual([
      [2, "R1", note("a")],
      [3, "R1", note("b")],
      [4, "R1", note("c")],
    ]);
    expect(await store.appendAll("T1", null, [])).toEqual([]);
    const bad: unknown = { type: "note", level: "loud", message: "x" };
    // @ts-expect-error -- deliberately invalid at runtime
    const mixed: EventBody[] = [note("d"), bad];
    await expect(later(() => store.appendAll("T1", null, mixed))).rejects.toThrow();
    expect(await store.events("T1")).toEqual([expect.objectContaining({ seq: 1 }), ...batch]);
    expect((await store.append("T1", null, note("after"))).seq).toBe(5);
  });

  it("rejects an invalid body on append and records nothing", async () => {
    const { store } = fixture();
    const bad: unknown[] = [{ type: "note", level: "loud", message: "x" }, { type: "no.such" }];
    for (const body of bad) {
      // @ts-expect-error -- deliberately invalid at runtime
      await expect(later(() => store.append("T1", null, body))).rejects.toThrow();
    }
    expect(await store.events("T1")).toEqual([]);
    expect((await store.append("T1", null, note("ok"))).seq).toBe(1);
  });
}

function describeTasksAndRuns(fixture: Fixture): void {
  it("saves, replaces and lists tasks in first-saved order", async () => {
    const { store } = fixture();
    expect(await store.getTask("T1")).toBeUndefined();
    expect(await store.listTasks()).toEqual([]);
    await store.saveTask(sampleTask("T2"));
    await store.saveTask(sampleTask("T1"));
    await store.saveTask({ ...sampleTask("T2", "new goal"), budgetUsd: 3 });
    expect(await store.getTask("T2")).toEqual({ ...sampleTask("T2", "new goal"), budgetUsd: 3 });
    expect((await store.listTasks()).map((t) => [t.id, t.goal])).toEqual([
      ["T2", "new goal"],
      ["T1", "goal of T1"],
    ]);
  });

  it("starts, finishes and lists runs", async () => {
    const { clock, store } = fixture();
    const first = await store.startRun("run");
    clock.advance(10);
    const second = await store.startRun("resume");
    expect(first).toEqual({
      id: first.id,
      command: "run",
      startedAt: clock.now() - 10,
      finishedAt: null,
      status: null,
    });
    expect(second.id).not.toBe(first.id);
    clock.advance(10);
    await store.finishRun(first.id, "finished");
    await store.finishRun("no-such-run", "finished");
    expect(await store.listRuns()).toEqual([
      { ...first, finishedAt: clock.now(), status: "finished" },
      second,
    ]);
  });
}

function describeLeases(fixture: Fixture): void {
  it("grants a free lease, refuses another owner and lets the holder re-acquire", async () => {
    const { clock, store } = fixture();
    expect(await store.leaseHolder("T1")).toBeUndefined();
    expect(await store.acquireLease("T1", "a", 1000)).toBe(true);
    expect(await store.leaseHolder("T1")).toEqual({ owner: "a", expiresAt: clock.now() + 1000 });
    expect(await store.acquireLease("T1", "b", 1000)).toBe(false);
    clock.advance(500);
    expect(await store.acquireLease("T1", "a", 1000)).toBe(true);
    expect(await store.leaseHolder("T1")).toEqual({ owner: "a", expiresAt: clock.now() + 1000 });
    expect(await store.acquireLease("T2", "b", 1000)).toBe(true);
  });

  it("lets another owner take an expired lease, from the expiry instant on", async () => {
    const { clock, store } = fixture();
    await store.acquireLease("T1", "a", 1000);
    clock.advance(999);
    expect(await store.acquireLease("T1", "b", 1000)).toBe(false);
    expect((await store.leaseHolder("T1"))?.owner).toBe("a");
    clock.advance(1);
    expect(await store.leaseHolder("T1")).toBeUndefined();
    expect(await store.acquireLease("T1", "b", 1000)).toBe(true);
    expect(await store.leaseHolder("T1")).toEqual({ owner: "b", expiresAt: clock.now() + 1000 });
    expect(await store.renewLease("T1", "a", 1000)).toBe(false);
  });

  it("renews only the holder's lease", async () => {
    const { clock, store } = fixture();
    expect(await store.renewLease("T1", "a", 1000)).toBe(false);
    await store.acquireLease("T1", "a", 1000);
    clock.advance(800);
    expect(await store.renewLease("T1", "a", 1000)).toBe(true);
    expect(await store.leaseHolder("T1")).toEqual({ owner: "a", expiresAt: clock.now() + 1000 });
    expect(await store.renewLease("T1", "b", 1000)).toBe(false);
    // Expired but not taken by anyone else: the holder may still renew it.
    clock.advance(5000);
    expect(await store.renewLease("T1", "a", 1000)).toBe(true);
    expect((await store.leaseHolder("T1"))?.owner).toBe("a");
  });

  it("releases only the holder's lease", async () => {
    const { store } = fixture();
    await store.acquireLease("T1", "a", 1000);
    await store.releaseLease("T1", "b");
    expect((await store.leaseHolder("T1"))?.owner).toBe("a");
    await store.releaseLease("T1", "a");
    expect(await store.leaseHolder("T1")).toBeUndefined();
    expect(await store.renewLease("T1", "a", 1000)).toBe(false);
    expect(await store.acquireLease("T1", "b", 1000)).toBe(true);
  });
}

function budgetRequest(
  clock: FakeClock,
  taskId: string,
  estimateUsd: number,
  limits: BudgetReservationRequest["limits"],
  day = "2024-05-01",
): BudgetReservationRequest {
  return {
    taskId,
    estimateUsd,
    day,
    month: day.slice(0, 7),
    limits,
    expiresAt: clock.now() + 60_000,
  };
}

function describeBudgetLedger(fixture: Fixture): void {
  it("refuses a second reservation that only one fits under the daily limit", async () => {
    const { clock, store } = fixture();
    const first = await store.reserveBudget(budgetRequest(clock, "A", 0.6, { dailyUsd: 1 }));
    expect(first).toMatchObject({ ok: true, spent: { day: 0 }, reserved: { day: 0 } });
    const second = await store.reserveBudget(budgetRequest(clock, "B", 0.6, { dailyUsd: 1 }));
    expect(second).toMatchObject({
      ok: false,
      scope: "day",
      limitUsd: 1,
      spent: { day: 0 },
      reserved: { day: 0.6 },
    });
    // A reservation under another limit (no daily limit) is not refused.
    expect((await store.reserveBudget(budgetRequest(clock, "B", 0.6, {}))).ok).toBe(true);
  });

  it("counts the settled cost instead of the estimate, once", async () => {
    const { clock, store } = fixture();
    const first = await store.reserveBudget(budgetRequest(clock, "A", 0.9, { dailyUsd: 1 }));
    if (!first.ok) throw new Error("first reservation refused");
    await store.settleBudget(first.id, 0.25, { sync: false });
    await store.settleBudget(first.id, 5);
    const next = await store.reserveBudget(budgetRequest(clock, "B", 0.7, { dailyUsd: 1 }));
    expect(next).toMatchObject({ ok: true, spent: { task: 0, day: 0.25, month: 0.25 } });
    const over = await store.reserveBudget(budgetRequest(clock, "C", 0.1, { dailyUsd: 1 }));
    expect(over).toMatchObject({ ok: false, scope: "day", spent: { day: 0.25 } });
    expect(over.reserved.day).toBeCloseTo(0.7);
  });

  it("keeps task, day and month apart", async () => {
    const { clock, store } = fixture();
    const a = await store.reserveBudget(budgetRequest(clock, "A", 0.5, { taskUsd: 0.6 }));
    if (!a.ok) throw new Error("refused");
    await store.settleBudget(a.id, 0.5);
    expect(
      await store.reserveBudget(budgetRequest(clock, "A", 0.2, { taskUsd: 0.6 })),
    ).toMatchObject({ ok: false, scope: "task", spent: { task: 0.5 } });
    expect((await store.reserveBudget(budgetRequest(clock, "B", 0.2, { taskUsd: 0.6 }))).ok).toBe(
      true,
    );
    // Another day of the same month: the day is fresh, the month is not.
    const nextDay = budgetRequest(
      clock,
      "C",
      0.4,
      { dailyUsd: 0.5, monthlyUsd: 1.1 },
      "2024-05-02",
    );
    expect(await store.reserveBudget(nextDay)).toMatchObject({
      ok: true,
      spent: { day: 0, month: 0.5 },
    });
    expect(await store.reserveBudget({ ...nextDay, taskId: "D", estimateUsd: 0.05 })).toMatchObject(
      {
        ok: false,
        scope: "month",
      },
    );
  });

  it("stops counting a reservation that was never settled once it expires", async () => {
    const { clock, store } = fixture();
    await store.reserveBudget(budgetRequest(clock, "A", 0.8, { dailyUsd: 1 }));
    expect((await store.reserveBudget(budgetRequest(clock, "B", 0.8, { dailyUsd: 1 }))).ok).toBe(
      false,
    );
    clock.advance(60_000);
    expect((await store.reserveBudget(budgetRequest(clock, "B", 0.8, { dailyUsd: 1 }))).ok).toBe(
      true,
    );
  });
}

/** A recorded child process group. */
export function sampleChild(
  pid: number,
  overrides: Partial<ChildProcessRecord> = {},
): ChildProcessRecord {
  return {
    pid,
    startTime: `${String(pid)}00`,
    pgid: pid,
    taskId: "T1",
    attempt: 1,
    owner: "host:1:abcd1234",
    command: "claude",
    startedAt: 1_700_000_000_000,
    ...overrides,
  };
}

function describeChildren(fixture: Fixture): void {
  it("records child process groups per task, oldest first, and forgets them", async () => {
    const { store } = fixture();
    expect(await store.listChildren("T1")).toEqual([]);
    const a = sampleChild(300, { startedAt: 2 });
    const b = sampleChild(200, { startedAt: 1, attempt: null, command: "node" });
    const other = sampleChild(400, { taskId: "T2" });
    await store.registerChild(a);
    await store.registerChild(b);
    await store.registerChild(other);
    expect(await store.listChildren("T1")).toEqual([b, a]);
    expect(await store.listChildren("T2")).toEqual([other]);
    await store.unregisterChild(300, "999");
    expect(await store.listChildren("T1")).toEqual([b, a]);
    await store.unregisterChild(300, a.startTime);
    expect(await store.listChildren("T1")).toEqual([b]);
    await store.unregisterChild(12345, "1");
    expect(await store.listChildren("T2")).toEqual([other]);
  });

  it("tells a reused pid apart by its start time, and replaces the same child", async () => {
    const { store } = fixture();
    const old = sampleChild(500, { startTime: "111", startedAt: 1 });
    const reused = sampleChild(500, { startTime: "222", startedAt: 2, attempt: 2 });
    await store.registerChild(old);
    await store.registerChild(reused);
    expect(await store.listChildren("T1")).toEqual([old, reused]);
    await store.registerChild({ ...reused, owner: "host:2:ffff0000" });
    expect(await store.listChildren("T1")).toEqual([old, { ...reused, owner: "host:2:ffff0000" }]);
    await store.unregisterChild(500, "111");
    expect(await store.listChildren("T1")).toEqual([{ ...reused, owner: "host:2:ffff0000" }]);
  });
}
