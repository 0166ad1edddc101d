/**
 * What the store child processes (store-child.ts for SQLite, pg-store-child.ts for PostgreSQL)
 * do against any Store: the same contention work, so both stores are tested alike.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { EventBody } from "../../src/core/events.js";
import type { Store } from "../../src/core/ports.js";

/** An informational note event. */
export const note = (message: string): EventBody => ({ type: "note", level: "info", message });

/**
 * Enters the lease-guarded section of task L once: takes the lease (retrying for up to two
 * minutes), writes `enter`, waits `pauseMs`, writes `exit`, releases. Two owners inside at once
 * would interleave their enter/exit notes.
 */
export async function enterLeasedSection(
  store: Store,
  owner: string,
  pauseMs: number,
): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (!(await store.acquireLease("L", owner, 60_000))) {
    if (Date.now() > deadline) throw new Error(`${owner} never got the lease`);
    await sleep(1);
  }
  await store.append("L", null, note(`enter ${owner}`));
  await sleep(pauseMs);
  await store.append("L", null, note(`exit ${owner}`));
  await store.releaseLease("L", owner);
}

/** Reserves and settles 1 cent until the day's limit of `cents` refuses; prints the count. */
export async function spendUntilRefused(
  store: Store,
  taskId: string,
  cents: number,
): Promise<void> {
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
