import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { RaeMemory, SqliteMemory } from "../../src/integrations/memory/index.js";
import { lesson } from "../support/lesson-fixtures.js";
import { FakeRaeServer } from "./fake-rae-server.js";
import { memoryContract } from "./memory-contract.js";

const KEY = "secret-key";
const dirs: string[] = [];
const servers: FakeRaeServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.stop();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function setUp(
  clock = { now: () => 1_000 },
): Promise<{ server: FakeRaeServer; path: string; open: (key?: string) => Promise<RaeMemory> }> {
  const dir = await mkdtemp(join(tmpdir(), "orch-rae-"));
  dirs.push(dir);
  const server = new FakeRaeServer(KEY);
  servers.push(server);
  await server.start();
  const path = join(dir, "state.db");
  const open = async (key = KEY): Promise<RaeMemory> =>
    new RaeMemory(
      { url: server.url, apiKey: key, tenant: "acme", project: "demo", timeoutMs: 2000 },
      await SqliteMemory.open(path, clock),
    );
  return { server, path, open };
}

describe("RAE memory over REST", () => {
  memoryContract(async () => (await setUp()).open());

  it("stores lessons in RAE with the API key and tenant, and recalls them from RAE", async () => {
    const { server, open } = await setUp();
    const memory = await open();
    const written = await memory.remember([lesson({ id: "L1" })]);
    expect(written).toMatchObject({ stored: 1, queued: 0, delivered: 1 });
    expect(server.memories).toHaveLength(1);
    expect(server.memories[0]).toMatchObject({
      tenant: "acme",
      body: { project: "demo", layer: "episodic" },
    });
    expect(server.requests.every((r) => r.apiKey === KEY && r.tenant === "acme")).toBe(true);
    const read = await memory.recall({ text: "ZeroDivisionError calc", repository: "demo" });
    expect(read.source).toBe("rae");
    expect(read.fallbackReason).toBeUndefined();
    expect(read.found.map((f) => f.lesson.id)).toEqual(["L1"]);
    expect(server.requests.at(-1)?.path).toBe("/v2/memories/query");
    await memory.close();
  });

  it("queues writes while RAE is down, falls back to embedded reads, and delivers once it is back", async () => {
    let now = 1_000;
    const { server, open } = await setUp({ now: () => now });
    await server.stop();
    const memory = await open();
    const written = await memory.remember([
      lesson({ id: "L1" }),
      lesson({ id: "L2", title: "lint failed" }),
    ]);
    expect(written.stored).toBe(2);
    expect(written.queued).toBe(2);
    expect(written.error).toMatch(/fetch failed|ECONNREFUSED/);
    const read = await memory.recall({ text: "ZeroDivisionError" });
    expect(read.source).toBe("embedded");
    expect(read.fallbackReason).toMatch(/^RAE unavailable/);
    expect(read.found.length).toBeGreaterThan(0);
    await memory.close();

    // A new process (the queue is in the state database), RAE back, the retry time passed.
    await server.start();
    now += 10 * 60_000;
    const again = await open();
    expect(await again.queued()).toBe(2);
    const back = await again.recall({ text: "ZeroDivisionError" });
    expect(back.source).toBe("rae");
    expect(await again.queued()).toBe(0);
    expect(
      server.memories.map((m) => (m.body.metadata.lesson as { id: string }).id).sort(),
    ).toEqual(["L1", "L2"]);
    expect(back.found.map((f) => f.lesson.id)).toContain("L1");
    await again.close();
  });

  it("a wrong API key is an error the adapter survives: queued, embedded recall", async () => {
    const { server, open } = await setUp();
    const memory = await open("wrong");
    const written = await memory.remember([lesson({ id: "L1" })]);
    expect(written.error).toMatch(/HTTP 401/);
    expect(written.queued).toBe(1);
    expect(server.memories).toHaveLength(0);
    const read = await memory.recall({ text: "ZeroDivisionError" });
    expect(read.fallbackReason).toMatch(/HTTP 401/);
    expect(read.found.map((f) => f.lesson.id)).toEqual(["L1"]);
    await memory.close();
  });
});
