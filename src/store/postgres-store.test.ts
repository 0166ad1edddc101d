import { afterAll, describe, expect, it } from "vitest";
import { LeaseLostError, SystemError } from "../core/errors.js";
import { TempDatabases } from "../../test/store/temp-pg.js";
import { EventLogBuilder } from "../../test/support/event-fixtures.js";
import { openPostgresStore } from "./postgres-store.js";
import {
  FakeClock,
  describeStoreContract,
  note,
  sampleTask,
} from "../../test/support/store-contract.js";

const dbs = new TempDatabases();
afterAll(() => dbs.dropAll());

describeStoreContract("PostgresStore", async (clock) =>
  openPostgresStore((await dbs.create()).url, { clock }),
);

describe("PostgresStore", () => {
  it("appends for a lease holder only while it holds the lease", async () => {
    const clock = new FakeClock();
    const store = await openPostgresStore((await dbs.create()).url, { clock });
    try {
      expect(await store.acquireLease("T1", "w1", 1_000)).toBe(true);
      await store.appendAllLeased("w1", "T1", null, [note("held")]);
      await expect(store.appendAllLeased("w2", "T1", null, [note("not w2")])).rejects.toThrow(
        LeaseLostError,
      );
      clock.advance(1_001); // lapsed: not even the old holder may append now
      await expect(store.appendAllLeased("w1", "T1", null, [note("lapsed")])).rejects.toThrow(
        LeaseLostError,
      );
      expect(await store.acquireLease("T1", "w2", 1_000)).toBe(true);
      await store.appendAllLeased("w2", "T1", null, [note("w2")]);
      expect((await store.events("T1")).map((e) => e.body)).toEqual([note("held"), note("w2")]);
    } finally {
      await store.close();
    }
  });

  it("keeps everything across reconnects and continues the sequence", async () => {
    const { url } = await dbs.create();
    const clock = new FakeClock();
    const first = await openPostgresStore(url, { clock });
    await first.saveTask(sampleTask("T1"));
    const run = await first.startRun("run");
    await first.append("T1", run.id, note("one"));
    await first.acquireLease("T1", "a", 60_000);
    await first.close();
    const second = await openPostgresStore(url, { clock });
    try {
      expect(await second.getTask("T1")).toEqual(sampleTask("T1"));
      expect((await second.events("T1")).map((e) => e.body)).toEqual([note("one")]);
      expect((await second.leaseHolder("T1"))?.owner).toBe("a");
      expect((await second.append("T1", null, note("two"))).seq).toBe(2);
    } finally {
      await second.close();
    }
  });

  it("migrates a new database once when several stores open it at the same time", async () => {
    const { url } = await dbs.create();
    const stores = await Promise.all([1, 2, 3, 4].map(() => openPostgresStore(url)));
    try {
      const seqs = await Promise.all(stores.map((s, i) => s.append("T", null, note(`${i}`))));
      expect(seqs.map((e) => e.seq).sort()).toEqual([1, 2, 3, 4]);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  it("counts spend copied in by migrate-store against the budgets", async () => {
    const store = await openPostgresStore((await dbs.create()).url);
    try {
      const at = Date.parse("2024-05-01T23:30:00Z");
      const log = new EventLogBuilder()
        .task("T1", at)
        .call("T1", at, { role: "planner", model: "claude_sonnet", costUsd: 0.5 })
        .call("T1", at + 3_600_000, { role: "planner", model: "claude_sonnet", costUsd: 0.25 });
      await store.importState({ tasks: [], runs: [], events: log.events });
      const request = {
        taskId: "T2",
        estimateUsd: 0.2,
        day: "2024-05-01",
        month: "2024-05",
        limits: { dailyUsd: 0.6 },
        expiresAt: Date.now() + 60_000,
      };
      expect(await store.reserveBudget(request)).toMatchObject({
        ok: false,
        scope: "day",
        spent: { task: 0, day: 0.5, month: 0.75 },
      });
      // The second call was on the next UTC day.
      expect(await store.reserveBudget({ ...request, day: "2024-05-02" })).toMatchObject({
        ok: true,
        spent: { day: 0.25, month: 0.75 },
      });
    } finally {
      await store.close();
    }
  });

  it("reports an unreachable server with the URL but never its password", async () => {
    const url = "postgres://someone:s3cret-pw@127.0.0.1:1/nowhere";
    const error = await openPostgresStore(url).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SystemError);
    const message = error instanceof Error ? error.message : "";
    expect(message).toContain("postgres://someone:***@127.0.0.1:1/nowhere");
    expect(message).not.toContain("s3cret-pw");
  });
});
