import { mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { SystemError } from "../core/errors.js";
import { TempDirs } from "../../test/store/temp-db.js";
import { openSqliteStore } from "./index.js";
import type { SqliteStore } from "./index.js";
import {
  FakeClock,
  describeStoreContract,
  note,
  sampleTask,
} from "../../test/support/store-contract.js";

const temp = new TempDirs();
afterAll(() => temp.cleanup());

describeStoreContract("SqliteStore", async (clock) =>
  openSqliteStore(await temp.dbPath(), { clock }),
);

/** Runs `fn` with stores opened on one file, closing them all afterwards. */
async function withStores(
  path: string,
  count: number,
  fn: (...stores: SqliteStore[]) => Promise<void>,
  clock = new FakeClock(),
): Promise<void> {
  const stores: SqliteStore[] = [];
  try {
    for (let i = 0; i < count; i++) stores.push(await openSqliteStore(path, { clock }));
    await fn(...stores);
  } finally {
    await Promise.all(stores.map((s) => s.close()));
  }
}

/** Runs raw SQL on the file, as a damaged or foreign writer would. */
function rawExec(path: string, statement: string): void {
  const db = new Database(path);
  try {
    db.exec(statement);
  } finally {
    db.close();
  }
}

describe("SqliteStore durability", () => {
  it("finds tasks, runs, events and leases again after reopening the file", async () => {
    const path = join(dirname(await temp.dbPath()), "nested", "dir", "state.db");
    const clock = new FakeClock();
    let runId = "";
    await withStores(
      path,
      1,
      async (store) => {
        await store.saveTask(sampleTask("T1"));
        runId = (await store.startRun("run")).id;
        await store.append("T1", runId, note("one"));
        await store.append("T1", runId, note("two"));
        await store.finishRun(runId, "finished");
        expect(await store.acquireLease("T1", "a", 60_000)).toBe(true);
      },
      clock,
    );
    await withStores(
      path,
      1,
      async (store) => {
        expect(await store.getTask("T1")).toEqual(sampleTask("T1"));
        expect(await store.listRuns()).toMatchObject([{ id: runId, status: "finished" }]);
        expect((await store.events("T1")).map((e) => e.body)).toEqual([note("one"), note("two")]);
        expect((await store.runEvents(runId)).map((e) => e.seq)).toEqual([1, 2]);
        expect(await store.leaseHolder("T1")).toEqual({
          owner: "a",
          expiresAt: clock.now() + 60_000,
        });
        expect((await store.append("T1", null, note("three"))).seq).toBe(3);
      },
      clock,
    );
  });

  it("lets two instances on one file see each other's appends in one sequence", async () => {
    await withStores(await temp.dbPath(), 2, async (a, b) => {
      const written = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).append("T1", null, note(`m${i}`))),
      );
      const seqs = written.map((e) => e.seq).sort((x, y) => x - y);
      expect(seqs).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      expect(await a.events("T1")).toEqual(await b.events("T1"));
      expect((await b.events("T1")).map((e) => e.seq)).toEqual(seqs);
    });
  });

  it("gives a lease to exactly one of two instances until it expires", async () => {
    const clock = new FakeClock();
    await withStores(
      await temp.dbPath(),
      2,
      async (a, b) => {
        const [gotA, gotB] = await Promise.all([
          a.acquireLease("T1", "owner-a", 1000),
          b.acquireLease("T1", "owner-b", 1000),
        ]);
        expect([gotA, gotB].filter(Boolean)).toHaveLength(1);
        const [winner, loser] = gotA ? [a, b] : [b, a];
        const [winnerName, loserName] = gotA ? ["owner-a", "owner-b"] : ["owner-b", "owner-a"];
        expect((await loser.leaseHolder("T1"))?.owner).toBe(winnerName);
        expect(await loser.renewLease("T1", loserName, 1000)).toBe(false);
        clock.advance(1000);
        expect(await loser.acquireLease("T1", loserName, 1000)).toBe(true);
        expect(await winner.renewLease("T1", winnerName, 1000)).toBe(false);
        expect(await winner.acquireLease("T1", winnerName, 1000)).toBe(false);
      },
      clock,
    );
  });

  it("closes idempotently", async () => {
    const store = await openSqliteStore(await temp.dbPath());
    await store.close();
    await expect(store.close()).resolves.toBeUndefined();
  });
});

describe("SqliteStore validation", () => {
  it("refuses to save an invalid task", async () => {
    await withStores(await temp.dbPath(), 1, async (store) => {
      const bad = { ...sampleTask("T1"), risk: "extreme" };
      // @ts-expect-error -- deliberately invalid at runtime
      await expect(store.saveTask(bad)).rejects.toThrow(/invalid task: risk/);
      expect(await store.listTasks()).toEqual([]);
    });
  });

  it("names the table and seq of an event row with a bad body", async () => {
    const path = await temp.dbPath();
    await withStores(path, 1, async (store) => {
      await store.append("T1", null, note("fine"));
      rawExec(
        path,
        `insert into events (task_id, run_id, type, schema_version, body, at)
         values ('T1', null, 'note', 1, '{"type":"note","level":"loud","message":"x"}', 0)`,
      );
      const read = store.events("T1");
      await expect(read).rejects.toBeInstanceOf(SystemError);
      await expect(read).rejects.toThrow(/corrupt row in table events \(seq 2\).*body: level/);
      expect(await store.events("T1", 2)).toEqual([]);
    });
  });

  it.each([
    ["invalid JSON", `'{not json'`, "note", 1, /\(seq 1\): body is not valid JSON/],
    [
      "a type that disagrees with the body",
      `'{"type":"note","level":"info","message":"x"}'`,
      "transition",
      1,
      /type column says transition/,
    ],
    [
      "a newer event schema version",
      `'{"type":"note","level":"info","message":"x"}'`,
      "note",
      99,
      /version 99 is newer/,
    ],
  ])("reports an event row with %s", async (_label, body, type, version, message) => {
    const path = await temp.dbPath();
    await withStores(path, 1, async (store) => {
      rawExec(
        path,
        `insert into events (task_id, run_id, type, schema_version, body, at)
         values ('T1', 'R1', '${type}', ${version}, ${body}, 0)`,
      );
      await expect(store.events("T1")).rejects.toThrow(message);
      await expect(store.runEvents("R1")).rejects.toThrow(message);
    });
  });

  it("names the id of a corrupt task or run row", async () => {
    const path = await temp.dbPath();
    await withStores(path, 1, async (store) => {
      rawExec(path, `insert into tasks (id, body, updated_at) values ('T9', '{"id":"T9"}', 0)`);
      rawExec(path, `insert into runs (id, command, started_at) values ('R9', 'run', 'soon')`);
      await expect(store.getTask("T9")).rejects.toThrow(/table tasks \(id T9\): body: goal/);
      await expect(store.listTasks()).rejects.toThrow(SystemError);
      await expect(store.listRuns()).rejects.toThrow(/table runs \(id R9\): started_at/);
    });
  });

  it("refuses a file that is not a database, naming it", async () => {
    const path = await temp.dbPath();
    await mkdir(path);
    await expect(openSqliteStore(path)).rejects.toThrow(SystemError);
    await expect(openSqliteStore(path)).rejects.toThrow(`cannot open state database ${path}`);
  });
});
