import { SystemError } from "../../core/errors.js";
import type { EventBody, StoredEvent } from "../../core/events.js";
import type {
  BudgetReservationRequest,
  BudgetReservationResult,
  ChildProcessRecord,
  RunRecord,
  Store,
  SyncOptions,
} from "../../core/ports.js";
import type { Task } from "../../core/task.js";
import type { TaskLeases } from "./task-leases.js";

/** A store that can append only while an owner holds the task's lease, in one transaction. */
export interface LeasedAppend {
  appendAllLeased(
    owner: string,
    taskId: string,
    runId: string | null,
    bodies: readonly EventBody[],
    options?: SyncOptions,
  ): Promise<StoredEvent[]>;
}

function hasLeasedAppend(store: Store): store is Store & LeasedAppend {
  return "appendAllLeased" in store && typeof store.appendAllLeased === "function";
}

/**
 * The store a worker's engine writes through: every event append first checks (without I/O)
 * that the worker still holds the task's lease, then — on PostgreSQL — appends only if the
 * store agrees, in the same transaction. So a worker whose lease lapsed (stopped, partitioned)
 * adds no event after another worker took the task over. Reads and the other writes pass
 * through unchanged.
 */
export class LeaseFencedStore implements Store {
  constructor(
    private readonly inner: Store,
    private readonly leases: TaskLeases,
    private readonly owner: string,
  ) {}

  async append(taskId: string, runId: string | null, body: EventBody): Promise<StoredEvent> {
    const [event] = await this.appendAll(taskId, runId, [body]);
    if (event === undefined) throw new SystemError(`append for ${taskId} returned no event`);
    return event;
  }

  appendAll(
    taskId: string,
    runId: string | null,
    bodies: readonly EventBody[],
    options?: SyncOptions,
  ): Promise<StoredEvent[]> {
    this.leases.assertHeld(taskId);
    if (hasLeasedAppend(this.inner))
      return this.inner.appendAllLeased(this.owner, taskId, runId, bodies, options);
    return this.inner.appendAll(taskId, runId, bodies, options);
  }

  saveTask(task: Task): Promise<void> {
    this.leases.assertHeld(task.id);
    return this.inner.saveTask(task);
  }

  getTask(id: string): Promise<Task | undefined> {
    return this.inner.getTask(id);
  }
  listTasks(): Promise<Task[]> {
    return this.inner.listTasks();
  }
  startRun(command: string): Promise<RunRecord> {
    return this.inner.startRun(command);
  }
  finishRun(runId: string, status: string): Promise<void> {
    return this.inner.finishRun(runId, status);
  }
  listRuns(): Promise<RunRecord[]> {
    return this.inner.listRuns();
  }
  events(taskId: string, afterSeq?: number): Promise<StoredEvent[]> {
    return this.inner.events(taskId, afterSeq);
  }
  runEvents(runId: string): Promise<StoredEvent[]> {
    return this.inner.runEvents(runId);
  }
  acquireLease(taskId: string, owner: string, ttlMs: number): Promise<boolean> {
    return this.inner.acquireLease(taskId, owner, ttlMs);
  }
  renewLease(taskId: string, owner: string, ttlMs: number): Promise<boolean> {
    return this.inner.renewLease(taskId, owner, ttlMs);
  }
  releaseLease(taskId: string, owner: string): Promise<void> {
    return this.inner.releaseLease(taskId, owner);
  }
  leaseHolder(taskId: string): Promise<{ owner: string; expiresAt: number } | undefined> {
    return this.inner.leaseHolder(taskId);
  }
  reserveBudget(request: BudgetReservationRequest): Promise<BudgetReservationResult> {
    return this.inner.reserveBudget(request);
  }
  settleBudget(reservationId: string, actualUsd: number, options?: SyncOptions): Promise<void> {
    return this.inner.settleBudget(reservationId, actualUsd, options);
  }
  registerChild(child: ChildProcessRecord): Promise<void> {
    return this.inner.registerChild(child);
  }
  unregisterChild(pid: number, startTime: string): Promise<void> {
    return this.inner.unregisterChild(pid, startTime);
  }
  listChildren(taskId: string): Promise<ChildProcessRecord[]> {
    return this.inner.listChildren(taskId);
  }
  /** The worker closes the real store itself. */
  close(): Promise<void> {
    return Promise.resolve();
  }
}
