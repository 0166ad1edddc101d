import { spawnSync } from "node:child_process";
import { hostname } from "node:os";
import { describe, expect, it } from "vitest";
import { MemoryStore } from "../../test/support/memory-store.js";
import { acquireTaskLease, ownerIsDead, processOwner } from "./lease-owner.js";

/** The pid of a process that has already exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]);
  return Number(child.stdout.toString());
}

describe("task lease owners", () => {
  it("sees that a holder on this host has died, and only then", () => {
    expect(ownerIsDead(processOwner())).toBe(false);
    expect(ownerIsDead(`${hostname()}:${deadPid()}:abcdef12`)).toBe(true);
    expect(ownerIsDead(`another-host:${deadPid()}:abcdef12`)).toBe(false);
    expect(ownerIsDead("not an owner")).toBe(false);
  });

  it("takes over a dead holder's lease at once, but never a live one's", async () => {
    const store = new MemoryStore();
    const dead = `${hostname()}:${deadPid()}:abcdef12`;
    expect(await store.acquireLease("T-1", dead, 60_000)).toBe(true);
    const me = processOwner();
    expect(await acquireTaskLease(store, "T-1", me, 60_000)).toEqual({ ok: true });
    expect((await store.leaseHolder("T-1"))?.owner).toBe(me);

    const other = processOwner();
    expect(await acquireTaskLease(store, "T-1", other, 60_000)).toEqual({ ok: false, holder: me });
  });
});
