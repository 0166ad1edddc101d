import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { SqliteMemory } from "../../src/integrations/memory/index.js";
import { openSqliteStore } from "../../src/store/index.js";
import { lesson } from "../support/lesson-fixtures.js";
import { memoryContract } from "./memory-contract.js";

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function statePath(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "orch-memory-"));
  dirs.push(dir);
  return join(dir, "state.db");
}

describe("embedded memory (SQLite FTS5)", () => {
  memoryContract(async () => SqliteMemory.open(await statePath()));

  it("lives in the state database beside the store and survives reopening", async () => {
    const path = await statePath();
    const store = await openSqliteStore(path);
    const memory = await SqliteMemory.open(path);
    await memory.remember([lesson({ id: "kept" })]);
    await memory.close();
    await store.append("T1", null, { type: "note", level: "info", message: "still works" });
    await store.close();
    const again = await SqliteMemory.open(path);
    expect(
      (await again.recall({ text: "ZeroDivisionError" })).found.map((f) => f.lesson.id),
    ).toEqual(["kept"]);
    await again.close();
  });

  it("treats query punctuation as words, never as FTS syntax", async () => {
    const memory = await SqliteMemory.open(await statePath());
    await memory.remember([lesson({ id: "x" })]);
    const { found } = await memory.recall({ text: 'calc.py" OR NEAR(* -- )' });
    expect(found.map((f) => f.lesson.id)).toEqual(["x"]);
    expect((await memory.recall({ text: "!!! ---" })).found).toEqual([]);
    await memory.close();
  });
});
