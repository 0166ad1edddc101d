import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildStoreChild, runChild } from "../../test/store/child-process.js";
import { TempDirs } from "../../test/store/temp-db.js";
import { openSqliteStore } from "./index.js";

const temp = new TempDirs();
let child: Awaited<ReturnType<typeof buildStoreChild>>;
beforeAll(async () => {
  child = await buildStoreChild();
});
afterAll(async () => {
  await child.cleanup();
  await temp.cleanup();
});

function integrityCheck(path: string): unknown {
  const db = new Database(path, { readonly: true });
  try {
    return db.pragma("integrity_check", { simple: true });
  } finally {
    db.close();
  }
}

describe("SqliteStore under kill -9 and across processes", () => {
  it("keeps every append a killed process saw resolve", async () => {
    const path = await temp.dbPath();
    const printed: number[] = [];
    for (const killAfter of [50 + Math.floor(Math.random() * 200), 20]) {
      const outcome = await runChild(
        child.script,
        ["append", path, "T1"],
        (_, n) => n >= killAfter,
      );
      expect(outcome.signal, outcome.stderr).toBe("SIGKILL");
      expect(outcome.lines.length).toBeGreaterThanOrEqual(killAfter);
      printed.push(...outcome.lines.map(Number));
    }
    expect(integrityCheck(path)).toBe("ok");
    const store = await openSqliteStore(path);
    try {
      const stored = (await store.events("T1")).map((e) => e.seq);
      for (const seq of printed) expect(stored).toContain(seq);
      // No holes: an append in flight at the kill is either wholly there or wholly absent.
      expect(stored).toEqual(stored.map((_, i) => i + 1));
      const runs = await store.listRuns();
      expect(runs.map((r) => [r.command, r.finishedAt])).toEqual([
        ["crash-test", null],
        ["crash-test", null],
      ]);
      const next = await store.append("T1", null, {
        type: "note",
        level: "info",
        message: "after",
      });
      expect(next.seq).toBe(stored.length + 1);
    } finally {
      await store.close();
    }
  });

  it("keeps every batch a killed process saw resolve, synced or not, and no part of any other", async () => {
    const path = await temp.dbPath();
    const outcome = await runChild(
      child.script,
      ["batch", path, "T1"],
      (_, n) => n >= 30 + Math.floor(Math.random() * 100),
    );
    expect(outcome.signal, outcome.stderr).toBe("SIGKILL");
    expect(integrityCheck(path)).toBe("ok");
    const store = await openSqliteStore(path);
    try {
      const messages = (await store.events("T1")).map((e) =>
        e.body.type === "note" ? e.body.message : e.body.type,
      );
      const printed = outcome.lines.map(Number);
      expect(messages.length).toBeGreaterThanOrEqual(Math.max(...printed));
      // Whole batches only, in order: b0-0 b0-1 b0-2 b1-0 ...
      expect(messages.length % 3).toBe(0);
      expect(messages).toEqual(messages.map((_, k) => `b${Math.floor(k / 3)}-${k % 3}`));
    } finally {
      await store.close();
    }
  });

  it("never lets two processes hold a task's lease at once", async () => {
    const path = await temp.dbPath();
    const owners = ["p1", "p2", "p3"];
    const outcomes = await Promise.all(
      owners.map((owner) => runChild(child.script, ["lease", path, owner, "15"])),
    );
    for (const o of outcomes) expect(o.code, o.stderr).toBe(0);
    const store = await openSqliteStore(path);
    try {
      const messages = (await store.events("L")).map((e) =>
        e.body.type === "note" ? e.body.message : e.body.type,
      );
      expect(messages).toHaveLength(owners.length * 15 * 2);
      // Each holder's enter is immediately followed by its own exit: no one else got in.
      for (let i = 0; i < messages.length; i += 2) {
        const owner = messages[i]?.replace(/^enter /, "");
        expect(messages.slice(i, i + 2)).toEqual([`enter ${owner}`, `exit ${owner}`]);
      }
      expect(await store.leaseHolder("L")).toBeUndefined();
    } finally {
      await store.close();
    }
  });

  it("never lets processes together reserve past a daily limit", async () => {
    const path = await temp.dbPath();
    const outcomes = await Promise.all(
      ["B1", "B2", "B3"].map((task) => runChild(child.script, ["budget", path, task, "60"])),
    );
    for (const o of outcomes) expect(o.code, o.stderr).toBe(0);
    const granted = outcomes.map((o) => Number(o.lines[0]));
    // 60 one-cent calls fit in the day, and no more, however the processes interleave.
    expect(granted.reduce((a, b) => a + b, 0)).toBe(60);
  });
});
