import { LeaseLostError } from "../../core/errors.js";
import type { Store } from "../../core/ports.js";
import { acquireTaskLease } from "../../engine/lease-owner.js";

/** What {@link TaskLeases} needs. */
export interface TaskLeasesDeps {
  readonly store: Store;
  readonly owner: string;
  readonly ttlMs: number;
  readonly log: (message: string) => void;
  /**
   * A monotonic clock in ms (default `performance.now()`): it keeps running while the process
   * is stopped (SIGSTOP, a frozen VM), which is exactly when a lease lapses unnoticed.
   */
  readonly monotonicMs?: () => number;
}

interface Held {
  readonly controller: AbortController;
  /** Monotonic time until which the lease is surely ours: last renewal *sent* + TTL. */
  validUntil: number;
  lost: string | undefined;
  readonly timer: NodeJS.Timeout;
}

/**
 * The task leases a worker holds, renewed every TTL/3. The moment one is found lost — renewal
 * refused (another worker took it), or no renewal succeeded for a whole TTL (the process was
 * stopped, the database unreachable) — the task's signal aborts (the engine stops and kills its
 * child process groups) and {@link TaskLeases.assertHeld} throws from then on. The worker's
 * store and workspace call `assertHeld` synchronously before every event, commit and push, so
 * a worker that wakes up after its lease lapsed writes nothing, even before its renewal timer
 * has had a chance to run.
 */
export class TaskLeases {
  private readonly held = new Map<string, Held>();
  private readonly now: () => number;

  constructor(private readonly deps: TaskLeasesDeps) {
    this.now = deps.monotonicMs ?? (() => performance.now());
  }

  /** Takes a task's lease; its signal aborts when the lease is lost. */
  async hold(
    taskId: string,
  ): Promise<{ ok: true; signal: AbortSignal } | { ok: false; holder: string }> {
    const { store, owner, ttlMs } = this.deps;
    const sentAt = this.now();
    const lease = await acquireTaskLease(store, taskId, owner, ttlMs);
    if (!lease.ok) return lease;
    const controller = new AbortController();
    const timer = setInterval(() => void this.renew(taskId), Math.max(100, ttlMs / 3));
    this.held.set(taskId, { controller, validUntil: sentAt + ttlMs, lost: undefined, timer });
    return { ok: true, signal: controller.signal };
  }

  /** Why the task's lease was lost, or undefined while it is held (or was never held). */
  lostReason(taskId: string): string | undefined {
    return this.held.get(taskId)?.lost;
  }

  /**
   * Throws {@link LeaseLostError} unless this worker surely still holds the task's lease. No
   * I/O: callers check right before a write, so nothing runs between the check and the write.
   */
  assertHeld(taskId: string): void {
    const held = this.held.get(taskId);
    if (held === undefined) throw new LeaseLostError(taskId, "not held by this worker");
    if (held.lost === undefined && this.now() > held.validUntil) {
      this.lose(held, taskId, "it lapsed: not renewed within its TTL");
    }
    if (held.lost !== undefined) throw new LeaseLostError(taskId, held.lost);
  }

  /** Renews the lease in the store now and checks it is still ours (before a push). */
  async confirm(taskId: string): Promise<void> {
    this.assertHeld(taskId);
    await this.renew(taskId);
    this.assertHeld(taskId);
  }

  /** Stops renewing and gives the lease back (a no-op in the store when it was taken over). */
  async release(taskId: string): Promise<void> {
    const held = this.held.get(taskId);
    if (held === undefined) return;
    clearInterval(held.timer);
    this.held.delete(taskId);
    await this.deps.store.releaseLease(taskId, this.deps.owner);
  }

  private async renew(taskId: string): Promise<void> {
    const held = this.held.get(taskId);
    if (held === undefined || held.lost !== undefined) return;
    if (this.now() > held.validUntil) {
      this.lose(held, taskId, "it lapsed: not renewed within its TTL");
      return;
    }
    const sentAt = this.now();
    let renewed: boolean;
    try {
      renewed = await this.deps.store.renewLease(taskId, this.deps.owner, this.deps.ttlMs);
    } catch {
      // Unknown: the lease stays valid until its TTL runs out without a successful renewal.
      return;
    }
    // Lost or released while the renewal was in flight: nothing more to do.
    if (this.held.get(taskId) !== held || this.lostReason(taskId) !== undefined) return;
    if (!renewed) this.lose(held, taskId, "renewal refused: another worker holds it");
    else held.validUntil = Math.max(held.validUntil, sentAt + this.deps.ttlMs);
  }

  private lose(held: Held, taskId: string, reason: string): void {
    held.lost = reason;
    clearInterval(held.timer);
    this.deps.log(`${taskId}: lease lost (${reason}); stopping the task here`);
    held.controller.abort(new LeaseLostError(taskId, reason));
  }
}
