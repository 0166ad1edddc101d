import { mkdtemp, rm } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { openMemory, PostgresMemory, RaeMemory } from "../../src/integrations/memory/index.js";
import { openPostgresStore } from "../../src/store/index.js";
import { TempDatabases } from "../store/temp-pg.js";
import { lesson } from "../support/lesson-fixtures.js";
import { FakeRaeServer } from "./fake-rae-server.js";
import { memoryContract } from "./memory-contract.js";

const dbs = new TempDatabases();
afterAll(() => dbs.dropAll());
const dirs: string[] = [];
const servers: FakeRaeServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.stop();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function query(url: string, text: string): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query<Record<string, unknown>>(text);
    return result.rows;
  } finally {
    await client.end();
  }
}

describe("embedded memory (PostgreSQL full-text search)", () => {
  memoryContract(async () => PostgresMemory.open((await dbs.create()).url));

  it("lives in the store's database, indexed by a GIN index on a tsvector, and survives reopening", async () => {
    const { url } = await dbs.create();
    const store = await openPostgresStore(url);
    const memory = await PostgresMemory.open(url);
    await memory.remember([lesson({ id: "kept" })]);
    await memory.close();
    await store.append("T1", null, { type: "note", level: "info", message: "still works" });
    await store.close();
    const indexes = await query(url, "select indexdef from pg_indexes where tablename = 'lessons'");
    expect(JSON.stringify(indexes)).toMatch(/USING gin \(search\)/);
    const again = await PostgresMemory.open(url);
    // Stemmed: "guard" finds the lesson that says "guarded".
    expect((await again.recall({ text: "guard" })).found.map((f) => f.lesson.id)).toEqual(["kept"]);
    await again.close();
  });

  it("ranks the lesson sharing more words first and treats punctuation as words", async () => {
    const memory = await PostgresMemory.open((await dbs.create()).url);
    await memory.remember([
      lesson({ id: "weak", title: "docs: typo", text: "fixed a typo in calc docs", files: [] }),
      lesson({ id: "strong" }),
    ]);
    const { found } = await memory.recall({ text: 'ZeroDivisionError calc.py" | !( divisor' });
    expect(found.map((f) => f.lesson.id)).toEqual(["strong", "weak"]);
    expect(found[0]?.relevance).toBe(1);
    expect(found[1]?.relevance).toBeLessThan(1);
    expect((await memory.recall({ text: "!!! --- the a" })).found).toEqual([]);
    await memory.close();
  });

  it("is what openMemory chooses for a PostgreSQL store: no state.db is created", async () => {
    const { url } = await dbs.create();
    const dir = await mkdtemp(join(tmpdir(), "orch-pgmem-"));
    dirs.push(dir);
    const statePath = join(dir, ".orchestrator", "state.db");
    const memory = await openMemory({ statePath, databaseUrl: url, repoRoot: dir, env: {} });
    expect(memory).toBeInstanceOf(PostgresMemory);
    await memory.remember([lesson({ id: "pg" })]);
    await memory.close();
    expect(existsSync(statePath)).toBe(false);
    expect(await query(url, "select id from lessons")).toEqual([{ id: "pg" }]);
  });

  it("backs RAE: writes queue in PostgreSQL while RAE is down and are delivered when it is back", async () => {
    const { url } = await dbs.create();
    let now = 1_000;
    const clock = { now: () => now };
    const server = new FakeRaeServer("key");
    servers.push(server);
    await server.start();
    await server.stop();
    const open = async (): Promise<RaeMemory> =>
      new RaeMemory(
        { url: server.url, apiKey: "key", tenant: "acme", project: "demo", timeoutMs: 2000 },
        await PostgresMemory.open(url, clock),
      );
    const memory = await open();
    expect(await memory.remember([lesson({ id: "L1" })])).toMatchObject({ stored: 1, queued: 1 });
    const down = await memory.recall({ text: "ZeroDivisionError" });
    expect(down).toMatchObject({ source: "embedded" });
    expect(down.fallbackReason).toMatch(/^RAE unavailable/);
    await memory.close();
    await server.start();
    now += 10 * 60_000;
    const again = await open();
    const back = await again.recall({ text: "ZeroDivisionError" });
    expect(back.source).toBe("rae");
    expect(back.found.map((f) => f.lesson.id)).toEqual(["L1"]);
    expect(await again.queued()).toBe(0);
    expect(server.requests.every((r) => r.apiKey === "key" && r.tenant === "acme")).toBe(true);
    await again.close();
  });
});
