import { describe, expect, it } from "vitest";
import { LeaseLostError } from "../../core/errors.js";
import { MemoryStore } from "../../../test/support/memory-store.js";
import { FakeClock, note, sampleTask } from "../../../test/support/store-contract.js";
import { LeaseFencedStore } from "./fenced-store.js";
import { TaskLeases } from "./task-leases.js";

function setup(ttlMs = 60_000) {
  const clock = new FakeClock();
  const store = new MemoryStore(clock);
  let mono = 0;
  const lines: string[] = [];
  const leases = new TaskLeases({
    store,
    owner: "w1",
    ttlMs,
    log: (line) => lines.push(line),
    monotonicMs: () => mono,
  });
  return {
    store,
    clock,
    leases,
    lines,
    fenced: new LeaseFencedStore(store, leases, "w1"),
    advance: (ms: number) => {
      mono += ms;
      clock.advance(ms);
    },
  };
}

describe("TaskLeases", () => {
  it("refuses a write once the lease lapsed, before any renewal ran, and aborts the task", async () => {
    const { leases, fenced, advance, lines } = setup();
    const held = await leases.hold("T1");
    if (!held.ok) throw new Error("not held");
    await fenced.append("T1", null, note("while held"));
    advance(60_001); // the process was stopped for longer than the TTL
    await expect(fenced.append("T1", null, note("after"))).rejects.toBeInstanceOf(LeaseLostError);
    expect(held.signal.aborted).toBe(true);
    expect(leases.lostReason("T1")).toMatch(/lapsed/);
    expect(lines.join("\n")).toContain("T1: lease lost");
    await leases.release("T1");
  });

  it("aborts when the store says another owner took the lease over", async () => {
    const { store, leases, advance } = setup(3_000);
    const held = await leases.hold("T1");
    if (!held.ok) throw new Error("not held");
    advance(3_001);
    expect(await store.acquireLease("T1", "w2", 3_000)).toBe(true);
    advance(-3_001 + 1_000); // back within the TTL locally: only the store knows
    await expect(leases.confirm("T1")).rejects.toThrow(/another worker holds it/);
    expect(held.signal.aborted).toBe(true);
    await leases.release("T1");
    expect((await store.leaseHolder("T1"))?.owner).toBe("w2");
  });

  it("keeps the lease while renewals succeed", async () => {
    const { leases, fenced, advance } = setup(3_000);
    const held = await leases.hold("T1");
    if (!held.ok) throw new Error("not held");
    for (let i = 0; i < 5; i++) {
      advance(2_000);
      await leases.confirm("T1");
    }
    await fenced.saveTask(sampleTask("T1"));
    expect(held.signal.aborted).toBe(false);
    await leases.release("T1");
    expect(() => {
      leases.assertHeld("T1");
    }).toThrow(LeaseLostError);
  });

  it("does not take a lease another live owner holds", async () => {
    const { store, leases } = setup();
    await store.acquireLease("T1", "w2", 60_000);
    expect(await leases.hold("T1")).toEqual({ ok: false, holder: "w2" });
  });
});
