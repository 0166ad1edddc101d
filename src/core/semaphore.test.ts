import { describe, expect, it } from "vitest";
import { Semaphore } from "./semaphore.js";

describe("Semaphore", () => {
  it("never lets more than the limit hold a slot, and serves waiters in order", async () => {
    const sem = new Semaphore(2);
    const order: string[] = [];
    let peak = 0;
    const gates: (() => void)[] = [];
    const job = (name: string): Promise<void> =>
      sem.with(async () => {
        peak = Math.max(peak, sem.inUse);
        order.push(name);
        await new Promise<void>((resolve) => gates.push(resolve));
      });
    const all = ["a", "b", "c", "d"].map(job);
    await Promise.resolve();
    expect(order).toEqual(["a", "b"]);
    while (gates.length > 0 || order.length < 4) {
      gates.shift()?.();
      await new Promise((r) => setImmediate(r));
    }
    await Promise.all(all);
    expect(order).toEqual(["a", "b", "c", "d"]);
    expect(peak).toBe(2);
    expect(sem.inUse).toBe(0);
  });

  it("gives up waiting when the signal aborts, and keeps the slot count right", async () => {
    const sem = new Semaphore(1);
    const release = await sem.acquire();
    const controller = new AbortController();
    const waiting = sem.acquire(controller.signal);
    controller.abort(new Error("stop"));
    await expect(waiting).rejects.toThrow("stop");
    release();
    release();
    expect(sem.inUse).toBe(0);
    const again = await sem.acquire();
    expect(sem.inUse).toBe(1);
    again();
  });

  it("refuses a limit below one", () => {
    expect(() => new Semaphore(0)).toThrow(RangeError);
  });
});
