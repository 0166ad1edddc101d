import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, describe, expect, it } from "vitest";
import { TempDatabases } from "../../../test/store/temp-pg.js";
import { TaskQueue } from "./task-queue.js";
import type { Consumer, TakenJob } from "./task-queue.js";

const dbs = new TempDatabases();
afterAll(() => dbs.dropAll());

/** A job handler that holds each job until the test lets it go. */
function holdingHandler() {
  const taken: TakenJob[] = [];
  const release = new Map<number, (failure?: Error) => void>();
  return {
    taken,
    handler: (job: TakenJob) =>
      new Promise<void>((resolve, reject) => {
        taken.push(job);
        release.set(job.attempt, (failure) => {
          if (failure) reject(failure);
          else resolve();
        });
      }),
    release: (attempt: number, failure?: Error) => release.get(attempt)?.(failure),
  };
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("timed out");
    await sleep(50);
  }
}

describe("TaskQueue", () => {
  it("lists active jobs, retries an orphan elsewhere and never settles another worker's attempt", async () => {
    const { url } = await dbs.create();
    const a = await TaskQueue.open(url, { supervise: false });
    const b = await TaskQueue.open(url, { supervise: false });
    const consumers: Consumer[] = [];
    try {
      await a.recordSubmitted(["T1"], Date.now());
      expect(await a.enqueue("T1", 0, 60_000)).toBe(true);
      expect(await a.enqueue("T1", 0, 60_000)).toBe(false); // one waiting job per task
      expect(await a.counts()).toEqual({ queued: 1, active: 0 });

      const first = holdingHandler();
      consumers.push(a.work(1, first.handler));
      await until(() => first.taken.length === 1);
      const [active] = await b.activeJobs();
      expect(active).toMatchObject({ taskId: "T1", id: first.taken[0]?.jobId });
      expect(await b.counts()).toEqual({ queued: 0, active: 1 });

      // The orphan check fails the job (its worker looks gone): another worker takes it.
      const second = holdingHandler();
      consumers.push(b.work(1, second.handler));
      await b.failJob(active?.id ?? "", "worker gone");
      await until(() => second.taken.length === 1);
      expect(second.taken[0]).toMatchObject({ jobId: active?.id, attempt: 1 });

      // The first worker gives up late (its lease was lost): the job stays the second's.
      first.release(0, new Error("lease lost"));
      await sleep(500);
      expect(await b.counts()).toEqual({ queued: 0, active: 1 });
      expect((await b.activeJobs()).map((j) => j.taskId)).toEqual(["T1"]);

      second.release(1);
      await until(async () => (await b.counts()).active === 0);
      expect(await b.activeJobs()).toEqual([]);
      expect(await b.counts()).toEqual({ queued: 0, active: 0 });
    } finally {
      await Promise.all(consumers.map((c) => c.stop()));
      await a.close();
      await b.close();
    }
  }, 60_000);
});
