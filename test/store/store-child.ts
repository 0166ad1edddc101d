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
import { openSqliteStore } from "../../src/store/index.js";
import { enterLeasedSection, spendUntilRefused } from "./store-child-work.js";
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
  for (let entered = 0; entered < times; entered++) await enterLeasedSection(store, owner, 2);
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
