/**
 * A separate process that writes to a shared PostgreSQL store, for the contention test. Run by
 * `child-process.ts` after transpiling; not part of the build.
 *
 *   mixed <url> <name> <rounds>   per round: appends to the shared task S and its own task
 *                                 P-<name>, a batch of 3 to task B, then enters the
 *                                 lease-guarded section of task L
 *   budget <url> <task> <cents>   reserves and settles 1 cent until the day's limit of `cents`
 *                                 refuses; prints how many it got
 */
import { setTimeout as sleep } from "node:timers/promises";
import { openPostgresStore } from "../../src/store/postgres-store.js";
import type { PostgresStore } from "../../src/store/postgres-store.js";

const note = (message: string) => ({ type: "note", level: "info", message }) as const;

async function enterSection(store: PostgresStore, owner: string): Promise<void> {
  for (let tries = 0; tries < 10_000; tries++) {
    if (await store.acquireLease("L", owner, 60_000)) {
      await store.append("L", null, note(`enter ${owner}`));
      await sleep(1);
      await store.append("L", null, note(`exit ${owner}`));
      await store.releaseLease("L", owner);
      return;
    }
    await sleep(1);
  }
  throw new Error(`${owner} never got the lease`);
}

async function spendUntilRefused(store: PostgresStore, taskId: string, cents: number) {
  let granted = 0;
  for (let tries = 0; tries < 10_000; tries++) {
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
  const [mode, url, name, rounds] = args;
  if (url === undefined || name === undefined || rounds === undefined)
    throw new Error("usage: mixed|budget <url> <name> <rounds>");
  const store = await openPostgresStore(url);
  try {
    if (mode === "budget") {
      await spendUntilRefused(store, name, Number(rounds));
      return;
    }
    if (mode !== "mixed") throw new Error(`unknown mode ${String(mode)}`);
    for (let i = 0; i < Number(rounds); i++) {
      await Promise.all([
        store.append("S", null, note(`${name} ${i}`)),
        store.append(`P-${name}`, null, note(`${i}`)),
        store.appendAll("B", null, [
          note(`${name} ${i}`),
          note(`${name} ${i}`),
          note(`${name} ${i}`),
        ]),
      ]);
      await enterSection(store, name);
    }
  } finally {
    await store.close();
  }
  process.stdout.write("done\n");
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
