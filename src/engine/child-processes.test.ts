import { spawn } from "node:child_process";
import { hostname } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { MemoryStore } from "../../test/support/memory-store.js";
import { liveGroupMembers, processStartTime } from "../process/proc-stat.js";
import { sampleChild } from "../../test/support/store-contract.js";
import { stopLeftoverChildren } from "./child-processes.js";

const DEAD_OWNER = `${hostname()}:999999:deadbeef`;
const started: number[] = [];
afterEach(() => {
  for (const pgid of started.splice(0)) {
    try {
      process.kill(-pgid, "SIGKILL");
    } catch {
      // gone
    }
  }
});

/** A detached group (a leader and a grandchild) as a crashed run's CLI would leave it. */
async function orphanGroup(): Promise<number> {
  const child = spawn("sh", ["-c", "sleep 60 & sleep 60"], { detached: true, stdio: "ignore" });
  child.unref();
  const pid = child.pid ?? 0;
  started.push(pid);
  for (let i = 0; i < 50 && liveGroupMembers(pid).length < 2; i++) await sleep(20);
  return pid;
}

describe("stopLeftoverChildren", () => {
  it("kills the live groups of a dead run, waits for them and forgets them", async () => {
    const store = new MemoryStore();
    const pid = await orphanGroup();
    expect(liveGroupMembers(pid).length).toBeGreaterThanOrEqual(2);
    const child = sampleChild(pid, { startTime: processStartTime(pid), owner: DEAD_OWNER });
    await store.registerChild(child);
    const done = await stopLeftoverChildren(store, "T1", "me:1:00000000");
    expect(done).toEqual([{ child, outcome: "stopped" }]);
    expect(liveGroupMembers(pid)).toEqual([]);
    expect(await store.listChildren("T1")).toEqual([]);
  });

  it("never kills a process that reuses a recorded pid (another start time)", async () => {
    const store = new MemoryStore();
    const pid = await orphanGroup();
    await store.registerChild(sampleChild(pid, { startTime: "1", owner: DEAD_OWNER }));
    const done = await stopLeftoverChildren(store, "T1", "me:1:00000000");
    expect(done.map((d) => d.outcome)).toEqual(["gone"]);
    expect(liveGroupMembers(pid).length).toBeGreaterThanOrEqual(2);
    expect(await store.listChildren("T1")).toEqual([]);
  });

  it("leaves this run's own children and another host's alone", async () => {
    const store = new MemoryStore();
    const pid = await orphanGroup();
    const start = processStartTime(pid);
    await store.registerChild(sampleChild(pid, { startTime: start, owner: "me:1:00000000" }));
    const remote = sampleChild(pid + 1, { owner: "other-host:5:abcdef01" });
    await store.registerChild(remote);
    const done = await stopLeftoverChildren(store, "T1", "me:1:00000000");
    expect(done).toEqual([{ child: remote, outcome: "elsewhere" }]);
    expect(liveGroupMembers(pid).length).toBeGreaterThanOrEqual(2);
    expect(await store.listChildren("T1")).toHaveLength(2);
  });
});
