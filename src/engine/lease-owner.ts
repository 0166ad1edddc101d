import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { Store } from "../core/ports.js";

/**
 * Identifies this process in task leases: `host:pid:nonce`. The host and pid let another
 * orchestrator on the same machine see that a lease's holder died (kill -9, power cut of the
 * process) and take the task over at once instead of waiting for the lease to expire.
 */
export function processOwner(): string {
  return `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

/** Whether a lease owner names a process on this machine (so its pids mean something here). */
export function ownerIsLocal(owner: string): boolean {
  return /^(.*):(\d+):[0-9a-f]+$/.exec(owner)?.[1] === hostname();
}

/** Whether a lease owner names a process on this machine that no longer exists. */
export function ownerIsDead(owner: string): boolean {
  const match = /^(.*):(\d+):[0-9a-f]+$/.exec(owner);
  if (match?.[1] !== hostname() || match[2] === undefined) return false;
  try {
    process.kill(Number(match[2]), 0);
    return false;
  } catch (error) {
    return error instanceof Error && "code" in error && error.code === "ESRCH";
  }
}

/**
 * Takes a task's lease; when it is held by a dead process on this machine, breaks it first. Two
 * processes racing for a dead holder's lease cannot both win: the release names the old owner,
 * and the acquire is atomic.
 */
export async function acquireTaskLease(
  store: Store,
  taskId: string,
  owner: string,
  ttlMs: number,
): Promise<{ ok: true } | { ok: false; holder: string }> {
  if (await store.acquireLease(taskId, owner, ttlMs)) return { ok: true };
  const holder = await store.leaseHolder(taskId);
  if (holder && ownerIsDead(holder.owner)) {
    await store.releaseLease(taskId, holder.owner);
    if (await store.acquireLease(taskId, owner, ttlMs)) return { ok: true };
  }
  return { ok: false, holder: (await store.leaseHolder(taskId))?.owner ?? "unknown" };
}
