import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildStoreChild, runChild } from "../../test/store/child-process.js";
import { TempDatabases } from "../../test/store/temp-pg.js";
import { openPostgresStore } from "./postgres-store.js";

const dbs = new TempDatabases();
let child: Awaited<ReturnType<typeof buildStoreChild>>;
beforeAll(async () => {
  child = await buildStoreChild("test/store/pg-store-child.ts");
});
afterAll(async () => {
  await child.cleanup();
  await dbs.dropAll();
});

const PROCESSES = ["a", "b", "c", "d"];
const ROUNDS = 10;

describe("PostgresStore with 4 processes writing at once", () => {
  it("hands out gapless sequence numbers in order and one lease at a time", async () => {
    const { url } = await dbs.create();
    // The schema exists before the children race, as it would after `migrate-store` or a first run.
    await (await openPostgresStore(url)).close();
    const reader = await openPostgresStore(url);
    const running = Promise.all(
      PROCESSES.map((name) =>
        runChild(child.script, ["mixed", url, name, String(ROUNDS)], () => false, 90_000),
      ),
    );
    // A follower reading the shared task incrementally, as a dashboard or `log -f` would, while
    // the writers run: it must never skip an event that commits after a later one.
    const state = { finished: false };
    void running.finally(() => (state.finished = true));
    const followed: number[] = [];
    for (let polls = 0; polls < 100_000 && !state.finished; polls++) {
      const fresh = await reader.events("S", followed.at(-1) ?? 0);
      followed.push(...fresh.map((e) => e.seq));
    }
    const outcomes = await running;
    followed.push(...(await reader.events("S", followed.at(-1) ?? 0)).map((e) => e.seq));
    await reader.close();
    for (const o of outcomes) {
      expect({ code: o.code, stderr: o.stderr }).toEqual({ code: 0, stderr: "" });
    }

    const store = await openPostgresStore(url);
    try {
      const shared = await store.events("S");
      const lease = await store.events("L");
      const own = await Promise.all(PROCESSES.map((p) => store.events(`P-${p}`)));
      const batches = await store.events("B");
      const all = [...shared, ...lease, ...own.flat(), ...batches]
        .map((e) => e.seq)
        .sort((x, y) => x - y);
      // Every number from 1 to the total exactly once: no gap, no duplicate.
      expect(all).toEqual(Array.from({ length: all.length }, (_, i) => i + 1));
      expect(all).toHaveLength(PROCESSES.length * ROUNDS * 7);
      // A batch's three events have consecutive seqs: no other writer's event between them.
      for (let i = 0; i < batches.length; i += 3) {
        const batch = batches.slice(i, i + 3);
        expect(
          new Set(batch.map((e) => (e.body.type === "note" ? e.body.message : ""))),
        ).toHaveProperty("size", 1);
        expect(batch.map((e) => e.seq - (batch[0]?.seq ?? 0))).toEqual([0, 1, 2]);
      }
      // Each process's own appends are in its order; the shared task holds all of them.
      for (const events of own) {
        expect(events.map((e) => (e.body.type === "note" ? e.body.message : ""))).toEqual(
          Array.from({ length: ROUNDS }, (_, i) => String(i)),
        );
      }
      expect(shared).toHaveLength(PROCESSES.length * ROUNDS);
      expect(followed).toEqual(shared.map((e) => e.seq));
      // The lease section never interleaves: every enter is followed by the same owner's exit.
      const messages = lease.map((e) => (e.body.type === "note" ? e.body.message : ""));
      for (let i = 0; i < messages.length; i += 2) {
        expect(messages[i]?.replace("enter", "exit")).toBe(messages[i + 1]);
      }
      expect(messages.filter((m) => m.startsWith("enter"))).toHaveLength(PROCESSES.length * ROUNDS);
      // A later append continues after the last number.
      expect(
        (await store.append("S", null, { type: "note", level: "info", message: "x" })).seq,
      ).toBe(all.length + 1);
    } finally {
      await store.close();
    }
  }, 120_000);

  it("never lets processes together reserve past a daily limit", async () => {
    const { url } = await dbs.create();
    await (await openPostgresStore(url)).close();
    const outcomes = await Promise.all(
      ["B1", "B2", "B3"].map((task) =>
        runChild(child.script, ["budget", url, task, "60"], () => false, 90_000),
      ),
    );
    for (const o of outcomes) {
      expect({ code: o.code, stderr: o.stderr }).toEqual({ code: 0, stderr: "" });
    }
    // 60 one-cent calls fit in the day, and no more, however the processes interleave.
    expect(outcomes.map((o) => Number(o.lines[0])).reduce((a, b) => a + b, 0)).toBe(60);
  }, 120_000);
});
