import { randomUUID } from "node:crypto";
import { Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";
import { LeaseLostError, OrchestratorError, SystemError } from "../core/errors.js";
import { EVENT_SCHEMA_VERSION } from "../core/events.js";
import type { EventBody, StoredEvent } from "../core/events.js";
import { systemClock } from "../core/ports.js";
import type {
  SyncOptions,
  BudgetReservationRequest,
  BudgetReservationResult,
  ChildProcessRecord,
  Clock,
  RunRecord,
  Store,
} from "../core/ports.js";
import type { Task } from "../core/task.js";
import {
  acquireLeaseRow,
  leaseHolderRow,
  releaseLeaseRow,
  renewLeaseRow,
} from "./lease-queries.js";
import { redactDatabaseUrl } from "./database-url.js";
import { backfillPgLedger, reservePgBudget, settlePgBudget } from "./postgres-budget.js";
import { migratePostgres } from "./postgres-migrations.js";
import type { PgStoreDatabase } from "./postgres-schema.js";
import {
  decodeChild,
  decodeEvent,
  decodeRun,
  decodeTask,
  encodeEventBody,
  encodeTask,
} from "./rows.js";

/** Options of {@link openPostgresStore}. */
export interface PostgresStoreOptions {
  /** Time source for event timestamps, run times and lease expiry; default: the system clock. */
  readonly clock?: Clock;
  /** Most connections the store opens at once (default 4). */
  readonly maxConnections?: number;
}

/**
 * `bigint` columns (sequence numbers, times in ms) come back as JS numbers: every value the
 * store writes is below 2^53, and the row decoders expect numbers. Per pool, not global.
 */
export function pgTypes(): pg.CustomTypesConfig {
  const types = new pg.TypeOverrides();
  types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value));
  return types;
}

/**
 * The shared {@link Store} for many machines: PostgreSQL through Kysely and `pg`.
 *
 * Event sequence numbers are gapless and visible in order: `append` takes the next number
 * from the single `event_counter` row in the same transaction as the insert. The row lock is
 * held until commit, so appends from every process commit one after another in `seq` order; a
 * reader that has seen `seq` n never later finds a smaller one appear (which a plain sequence
 * allows: concurrent transactions commit out of order, and a rolled-back one leaves a hole).
 * Appends are a few hundred microseconds; a model call is seconds.
 */
export class PostgresStore implements Store {
  private closed = false;

  private constructor(
    private readonly db: Kysely<PgStoreDatabase>,
    /** The database URL without its password, for messages. */
    readonly where: string,
    private readonly clock: Clock,
  ) {}

  /** Connects to `url`, applies pending migrations, and refuses a newer schema. */
  static async open(url: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
    const clock = options.clock ?? systemClock;
    const where = redactDatabaseUrl(url);
    const pool = new pg.Pool({
      connectionString: url,
      max: options.maxConnections ?? 4,
      types: pgTypes(),
      connectionTimeoutMillis: 10_000,
    });
    // An idle connection the server drops must not crash the process.
    pool.on("error", () => undefined);
    const db = new Kysely<PgStoreDatabase>({ dialect: new PostgresDialect({ pool }) });
    try {
      await migratePostgres(db, where, clock);
      return new PostgresStore(db, where, clock);
    } catch (error) {
      await db.destroy().catch(() => undefined);
      if (error instanceof OrchestratorError) throw error;
      throw new SystemError(`cannot open state database ${where}: ${messageOf(error)}`, {
        cause: error,
      });
    }
  }

  async saveTask(task: Task): Promise<void> {
    const body = JSON.stringify(encodeTask(task));
    const now = this.clock.now();
    await this.db
      .insertInto("tasks")
      .values({ id: task.id, body, updated_at: now })
      .onConflict((oc) => oc.column("id").doUpdateSet({ body, updated_at: now }))
      .execute();
  }

  async getTask(id: string): Promise<Task | undefined> {
    const row = await this.db
      .selectFrom("tasks")
      .select(["id", "body"])
      .where("id", "=", id)
      .executeTakeFirst();
    return row && decodeTask(this.where, row);
  }

  async listTasks(): Promise<Task[]> {
    // `ord` is the first insertion's order, kept when a task is replaced (the upsert updates).
    const rows = await this.db.selectFrom("tasks").select(["id", "body"]).orderBy("ord").execute();
    return rows.map((row) => decodeTask(this.where, row));
  }

  async startRun(command: string): Promise<RunRecord> {
    const run: RunRecord = {
      id: randomUUID(),
      command,
      startedAt: this.clock.now(),
      finishedAt: null,
      status: null,
    };
    await this.db
      .insertInto("runs")
      .values({ id: run.id, command, started_at: run.startedAt, finished_at: null, status: null })
      .execute();
    return run;
  }

  async finishRun(runId: string, status: string): Promise<void> {
    await this.db
      .updateTable("runs")
      .set({ finished_at: this.clock.now(), status })
      .where("id", "=", runId)
      .execute();
  }

  async listRuns(): Promise<RunRecord[]> {
    const rows = await this.db
      .selectFrom("runs")
      .select(["id", "command", "started_at", "finished_at", "status"])
      .orderBy("ord")
      .execute();
    return rows.map((row) => decodeRun(this.where, row));
  }

  async append(taskId: string, runId: string | null, body: EventBody): Promise<StoredEvent> {
    const [event] = await this.appendAll(taskId, runId, [body]);
    if (event === undefined) throw new SystemError(`append to ${this.where} returned no event`);
    return event;
  }

  appendAll(
    taskId: string,
    runId: string | null,
    bodies: readonly EventBody[],
    options: SyncOptions = {},
  ): Promise<StoredEvent[]> {
    return this.insertEvents(taskId, runId, bodies, undefined, options);
  }

  /**
   * {@link appendAll}, only while `owner` holds the task's unexpired lease: checked in the same
   * transaction, with the lease row share-locked until commit, so a worker taking the lease over
   * waits for this append and no append of the old holder can follow its takeover. Throws
   * {@link LeaseLostError} (and appends nothing) when the lease is not held.
   */
  appendAllLeased(
    owner: string,
    taskId: string,
    runId: string | null,
    bodies: readonly EventBody[],
    options: SyncOptions = {},
  ): Promise<StoredEvent[]> {
    return this.insertEvents(taskId, runId, bodies, owner, options);
  }

  private async insertEvents(
    taskId: string,
    runId: string | null,
    bodies: readonly EventBody[],
    leaseOwner: string | undefined,
    options: SyncOptions,
  ): Promise<StoredEvent[]> {
    if (bodies.length === 0) return [];
    const valid = bodies.map((body) => encodeEventBody(taskId, body));
    const at = this.clock.now();
    // The counter row is taken for the whole batch: its seqs are consecutive, and the row lock
    // (held to commit) makes every writer's batch commit in seq order.
    const last = await this.db.transaction().execute(async (tx) => {
      // Committed without waiting for the WAL flush; the next synchronous commit flushes it.
      if (options.sync === false) await sql`set local synchronous_commit = off`.execute(tx);
      if (leaseOwner !== undefined) {
        const lease = await tx
          .selectFrom("leases")
          .select("owner")
          .where("task_id", "=", taskId)
          .where("owner", "=", leaseOwner)
          .where("expires_at", ">", at)
          .forShare()
          .executeTakeFirst();
        if (lease === undefined) throw new LeaseLostError(taskId, "not held in the store");
      }
      const counter = await tx
        .updateTable("event_counter")
        .set((eb) => ({ last_seq: eb("last_seq", "+", valid.length) }))
        .where("id", "=", 1)
        .returning("last_seq")
        .executeTakeFirstOrThrow();
      const first = counter.last_seq - valid.length + 1;
      await tx
        .insertInto("events")
        .values(
          valid.map((body, i) => ({
            seq: first + i,
            task_id: taskId,
            run_id: runId,
            type: body.type,
            schema_version: EVENT_SCHEMA_VERSION,
            body: JSON.stringify(body),
            at,
          })),
        )
        .execute();
      return counter.last_seq;
    });
    const first = last - valid.length + 1;
    return valid.map((body, i) => ({ seq: first + i, taskId, runId, at, body }));
  }

  async events(taskId: string, afterSeq = 0): Promise<StoredEvent[]> {
    const rows = await this.db
      .selectFrom("events")
      .selectAll()
      .where("task_id", "=", taskId)
      .where("seq", ">", afterSeq)
      .orderBy("seq")
      .execute();
    return rows.map((row) => decodeEvent(this.where, row));
  }

  async runEvents(runId: string): Promise<StoredEvent[]> {
    const rows = await this.db
      .selectFrom("events")
      .selectAll()
      .where("run_id", "=", runId)
      .orderBy("seq")
      .execute();
    return rows.map((row) => decodeEvent(this.where, row));
  }

  acquireLease(taskId: string, owner: string, ttlMs: number): Promise<boolean> {
    return acquireLeaseRow(this.db, this.clock.now(), taskId, owner, ttlMs);
  }

  renewLease(taskId: string, owner: string, ttlMs: number): Promise<boolean> {
    return renewLeaseRow(this.db, this.clock.now(), taskId, owner, ttlMs);
  }

  releaseLease(taskId: string, owner: string): Promise<void> {
    return releaseLeaseRow(this.db, taskId, owner);
  }

  leaseHolder(taskId: string): Promise<{ owner: string; expiresAt: number } | undefined> {
    return leaseHolderRow(this.db, this.clock.now(), this.where, taskId);
  }

  reserveBudget(request: BudgetReservationRequest): Promise<BudgetReservationResult> {
    return reservePgBudget(this.db, this.clock.now(), request);
  }

  settleBudget(reservationId: string, actualUsd: number, options?: SyncOptions): Promise<void> {
    return settlePgBudget(this.db, reservationId, actualUsd, options?.sync !== false);
  }

  async registerChild(child: ChildProcessRecord): Promise<void> {
    const values = {
      pid: child.pid,
      start_time: child.startTime,
      pgid: child.pgid,
      task_id: child.taskId,
      attempt: child.attempt,
      owner: child.owner,
      command: child.command,
      started_at: child.startedAt,
    };
    await this.db
      .insertInto("child_processes")
      .values(values)
      .onConflict((oc) => oc.columns(["pid", "start_time"]).doUpdateSet(values))
      .execute();
  }

  async unregisterChild(pid: number, startTime: string): Promise<void> {
    await this.db
      .deleteFrom("child_processes")
      .where("pid", "=", pid)
      .where("start_time", "=", startTime)
      .execute();
  }

  async listChildren(taskId: string): Promise<ChildProcessRecord[]> {
    const rows = await this.db
      .selectFrom("child_processes")
      .select(["pid", "start_time", "pgid", "task_id", "attempt", "owner", "command", "started_at"])
      .where("task_id", "=", taskId)
      .orderBy("started_at")
      .orderBy("ord")
      .execute();
    return rows.map((row) => decodeChild(this.where, row));
  }

  /**
   * Copies a whole state into this (empty) database keeping every sequence number, time and
   * id, in one transaction: all of it or nothing. Used by `orchestrator migrate-store`.
   * @throws SystemError when the database already holds tasks, runs or events.
   */
  async importState(state: {
    tasks: readonly Task[];
    runs: readonly RunRecord[];
    events: readonly StoredEvent[];
  }): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      const counter = await tx
        .selectFrom("event_counter")
        .select("last_seq")
        .forUpdate()
        .executeTakeFirstOrThrow();
      const [tasks, runs] = await Promise.all([
        tx.selectFrom("tasks").select("id").limit(1).execute(),
        tx.selectFrom("runs").select("id").limit(1).execute(),
      ]);
      if (counter.last_seq > 0 || tasks.length > 0 || runs.length > 0) {
        throw new SystemError(
          `state database ${this.where} already holds state; migrate into an empty database`,
        );
      }
      const now = this.clock.now();
      for (const task of state.tasks) {
        await tx
          .insertInto("tasks")
          .values({ id: task.id, body: JSON.stringify(encodeTask(task)), updated_at: now })
          .execute();
      }
      for (const run of state.runs) {
        await tx
          .insertInto("runs")
          .values({
            id: run.id,
            command: run.command,
            started_at: run.startedAt,
            finished_at: run.finishedAt,
            status: run.status,
          })
          .execute();
      }
      let last = 0;
      for (const event of state.events) {
        const valid = encodeEventBody(event.taskId, event.body);
        await tx
          .insertInto("events")
          .values({
            seq: event.seq,
            task_id: event.taskId,
            run_id: event.runId,
            type: valid.type,
            schema_version: EVENT_SCHEMA_VERSION,
            body: JSON.stringify(valid),
            at: event.at,
          })
          .execute();
        last = Math.max(last, event.seq);
      }
      await tx.updateTable("event_counter").set({ last_seq: last }).where("id", "=", 1).execute();
      // The copied spend keeps counting against the budgets here.
      await backfillPgLedger().execute(tx);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.db.destroy();
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Opens the PostgreSQL state database at `url` (which must exist): applies pending migrations
 * and refuses a database written by a newer orchestrator. Messages never show the password.
 */
export function openPostgresStore(
  url: string,
  options?: PostgresStoreOptions,
): Promise<PostgresStore> {
  return PostgresStore.open(url, options);
}
