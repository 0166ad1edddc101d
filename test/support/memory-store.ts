import { randomUUID } from "node:crypto";
import { EventBodySchema } from "../../src/core/events.js";
import type { EventBody, StoredEvent } from "../../src/core/events.js";
import type {
  BudgetReservationRequest,
  BudgetReservationResult,
  BudgetTotals,
  ChildProcessRecord,
  Clock,
  RunRecord,
  Store,
} from "../../src/core/ports.js";
import { systemClock } from "../../src/core/ports.js";
import type { Task } from "../../src/core/task.js";

/** An in-memory Store for unit tests of logic; validates bodies like the real one. */
export class MemoryStore implements Store {
  private readonly tasks = new Map<string, Task>();
  private readonly runs = new Map<string, RunRecord>();
  private readonly log: StoredEvent[] = [];
  private readonly leases = new Map<string, { owner: string; expiresAt: number }>();
  private readonly ledger = new Map<
    string,
    { taskId: string; day: string; month: string; usd: number; settled: boolean; expiresAt: number }
  >();
  private readonly children = new Map<string, ChildProcessRecord>();

  constructor(private readonly clock: Clock = systemClock) {}

  saveTask(task: Task): Promise<void> {
    this.tasks.set(task.id, task);
    return Promise.resolve();
  }
  getTask(id: string): Promise<Task | undefined> {
    return Promise.resolve(this.tasks.get(id));
  }
  listTasks(): Promise<Task[]> {
    return Promise.resolve([...this.tasks.values()]);
  }
  startRun(command: string): Promise<RunRecord> {
    const run = {
      id: randomUUID(),
      command,
      startedAt: this.clock.now(),
      finishedAt: null,
      status: null,
    };
    this.runs.set(run.id, run);
    return Promise.resolve(run);
  }
  finishRun(runId: string, status: string): Promise<void> {
    const run = this.runs.get(runId);
    if (run) this.runs.set(runId, { ...run, finishedAt: this.clock.now(), status });
    return Promise.resolve();
  }
  listRuns(): Promise<RunRecord[]> {
    return Promise.resolve([...this.runs.values()]);
  }
  append(taskId: string, runId: string | null, body: EventBody): Promise<StoredEvent> {
    const event = {
      seq: this.log.length + 1,
      taskId,
      runId,
      at: this.clock.now(),
      body: EventBodySchema.parse(body),
    };
    this.log.push(event);
    return Promise.resolve(event);
  }
  appendAll(
    taskId: string,
    runId: string | null,
    bodies: readonly EventBody[],
  ): Promise<StoredEvent[]> {
    // Validate all first: an invalid body records none of the batch.
    const valid = bodies.map((body) => EventBodySchema.parse(body));
    const at = this.clock.now();
    const events = valid.map((body, i) => ({
      seq: this.log.length + 1 + i,
      taskId,
      runId,
      at,
      body,
    }));
    this.log.push(...events);
    return Promise.resolve(events);
  }
  events(taskId: string, afterSeq = 0): Promise<StoredEvent[]> {
    return Promise.resolve(this.log.filter((e) => e.taskId === taskId && e.seq > afterSeq));
  }
  runEvents(runId: string): Promise<StoredEvent[]> {
    return Promise.resolve(this.log.filter((e) => e.runId === runId));
  }
  acquireLease(taskId: string, owner: string, ttlMs: number): Promise<boolean> {
    const held = this.leases.get(taskId);
    if (held && held.owner !== owner && held.expiresAt > this.clock.now())
      return Promise.resolve(false);
    this.leases.set(taskId, { owner, expiresAt: this.clock.now() + ttlMs });
    return Promise.resolve(true);
  }
  renewLease(taskId: string, owner: string, ttlMs: number): Promise<boolean> {
    const held = this.leases.get(taskId);
    if (held?.owner !== owner) return Promise.resolve(false);
    this.leases.set(taskId, { owner, expiresAt: this.clock.now() + ttlMs });
    return Promise.resolve(true);
  }
  releaseLease(taskId: string, owner: string): Promise<void> {
    if (this.leases.get(taskId)?.owner === owner) this.leases.delete(taskId);
    return Promise.resolve();
  }
  leaseHolder(taskId: string): Promise<{ owner: string; expiresAt: number } | undefined> {
    const held = this.leases.get(taskId);
    return Promise.resolve(held && held.expiresAt > this.clock.now() ? held : undefined);
  }
  reserveBudget(request: BudgetReservationRequest): Promise<BudgetReservationResult> {
    const now = this.clock.now();
    const sum = (settled: boolean): BudgetTotals => {
      const totals = { task: 0, day: 0, month: 0 };
      for (const row of this.ledger.values()) {
        if (row.settled !== settled || (!settled && row.expiresAt <= now)) continue;
        if (row.taskId === request.taskId) totals.task += row.usd;
        if (row.day === request.day) totals.day += row.usd;
        if (row.month === request.month) totals.month += row.usd;
      }
      return totals;
    };
    const spent = sum(true);
    const reserved = sum(false);
    const estimate = Math.max(0, request.estimateUsd);
    const limits = {
      task: request.limits.taskUsd,
      day: request.limits.dailyUsd,
      month: request.limits.monthlyUsd,
    };
    for (const scope of ["task", "day", "month"] as const) {
      const limit = limits[scope];
      if (limit !== undefined && spent[scope] + reserved[scope] + estimate > limit + 1e-9)
        return Promise.resolve({ ok: false, scope, limitUsd: limit, spent, reserved });
    }
    const id = randomUUID();
    this.ledger.set(id, {
      taskId: request.taskId,
      day: request.day,
      month: request.month,
      usd: estimate,
      settled: false,
      expiresAt: request.expiresAt,
    });
    return Promise.resolve({ ok: true, id, spent, reserved });
  }
  settleBudget(reservationId: string, actualUsd: number): Promise<void> {
    const row = this.ledger.get(reservationId);
    if (row && !row.settled) {
      this.ledger.set(reservationId, { ...row, usd: Math.max(0, actualUsd), settled: true });
    }
    return Promise.resolve();
  }
  registerChild(child: ChildProcessRecord): Promise<void> {
    const key = `${String(child.pid)}\0${child.startTime}`;
    // Replacing keeps the first insertion's place, as an upsert of a row would.
    this.children.set(key, { ...child });
    return Promise.resolve();
  }
  unregisterChild(pid: number, startTime: string): Promise<void> {
    this.children.delete(`${String(pid)}\0${startTime}`);
    return Promise.resolve();
  }
  listChildren(taskId: string): Promise<ChildProcessRecord[]> {
    const rows = [...this.children.values()].filter((c) => c.taskId === taskId);
    return Promise.resolve(rows.sort((a, b) => a.startedAt - b.startedAt));
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}
