/**
 * A separate process that uses the real SqliteStore, for the crash and contention tests.
 * Run by `child-process.ts` after transpiling; not part of the build.
 *
 *   append <db> <taskId>          appends notes forever, printing each seq once it is durable
 *   batch <db> <taskId>           appends batches of 3 notes forever, every other one unsynced
 *                                 (`sync: false`), printing each batch's last seq once the
 *                                 batch is committed
 *   lease <db> <owner> <times>    enters the lease-guarded section of task L `times` times
 *   budget <db> <task> <cents>    reserves and settles 1 cent until the day's limit of `cents`
 *                                 refuses; prints how many it got
 */
import { setTimeout as sleep } from "node:timers/promises";
import { openSqliteStore } from "../../src/store/index.js";
import type { SqliteStore } from "../../src/store/index.js";

async function appendForever(store: SqliteStore, taskId: string): Promise<void> {
  const run = await store.startRun("crash-test");
  for (let i = 0; ; i++) {
    const event = await store.append(taskId, run.id, {
      type: "note",
      level: "info",
      message: `n${i}`,
    });
    process.stdout.write(`${event.seq}\n`);
  }
}

async function appendBatchesForever(store: SqliteStore, taskId: string): Promise<void> {
  for (let i = 0; ; i++) {
    const events = await store.appendAll(
      taskId,
      null,
      [0, 1, 2].map((j) => ({ type: "note", level: "info", message: `b${i}-${j}` })),
      { sync: i % 2 === 0 },
    );
    process.stdout.write(`${events.at(-1)?.seq ?? 0}\n`);
  }
}

async function enterRepeatedly(store: SqliteStore, owner: string, times: number): Promise<void> {
  for (let entered = 0; entered < times;) {
    if (!(await store.acquireLease("L", owner, 60_000))) {
      await sleep(1);
      continue;
    }
    await store.append("L", null, { type: "note", level: "info", message: `enter ${owner}` });
    await sleep(2);
    await store.append("L", null, { type: "note", level: "info", message: `exit ${owner}` });
    await store.releaseLease("L", owner);
    entered++;
  }
}

async function spendUntilRefused(store: SqliteStore, taskId: string, cents: number): Promise<void> {
  let granted = 0;
  for (;;) {
    const reservation = await store.reserveBudget({
      taskId,
      estimateUsd: 0.01,
      day: "2024-05-01",
      month: "2024-05",
      limits: { dailyUsd: cents / 100 },
      expiresAt: Date.now() + 60_000,
    });
    if (!reservation.ok) break;
    granted++;
    await sleep(0);
    await store.settleBudget(reservation.id, 0.01);
  }
  process.stdout.write(`${granted}\n`);
}

async function main(args: string[]): Promise<void> {
  const [mode, path, name, times] = args;
  if (path === undefined || name === undefined)
    throw new Error("usage: <mode> <db> <name> [times]");
  const store = await openSqliteStore(path);
  try {
    if (mode === "append") await appendForever(store, name);
    else if (mode === "batch") await appendBatchesForever(store, name);
    else if (mode === "lease") await enterRepeatedly(store, name, Number(times));
    else if (mode === "budget") await spendUntilRefused(store, name, Number(times));
    else throw new Error(`unknown mode ${String(mode)}`);
  } finally {
    await store.close();
  }
}

await main(process.argv.slice(2));
