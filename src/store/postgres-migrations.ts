import { sql } from "kysely";
import type { Kysely } from "kysely";
import { z } from "zod";
import { SystemError } from "../core/errors.js";
import type { Clock } from "../core/ports.js";
import { backfillPgLedger } from "./postgres-budget.js";
import type { PgStoreDatabase } from "./postgres-schema.js";

/** One PostgreSQL schema change. Versions are consecutive from 1; released ones never change. */
export interface PgMigration {
  readonly version: number;
  readonly description: string;
  up(db: Kysely<PgStoreDatabase>): Promise<void>;
}

/**
 * Every PostgreSQL schema change in order. The tables mirror the SQLite ones (same rows, same
 * JSON bodies), with `bigint` for sequence numbers and times, an `ord` column for insertion
 * order (SQLite's rowid), and `event_counter`, the one row that hands out gapless sequence
 * numbers (see {@link PostgresStore.append}).
 */
export const PG_MIGRATIONS: readonly PgMigration[] = [
  {
    version: 1,
    description: "tasks, runs, events, event_counter, leases",
    async up(db) {
      await db.schema
        .createTable("tasks")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("ord", "bigserial", (c) => c.notNull())
        .addColumn("body", "text", (c) => c.notNull())
        .addColumn("updated_at", "bigint", (c) => c.notNull())
        .execute();
      await db.schema
        .createTable("runs")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("ord", "bigserial", (c) => c.notNull())
        .addColumn("command", "text", (c) => c.notNull())
        .addColumn("started_at", "bigint", (c) => c.notNull())
        .addColumn("finished_at", "bigint")
        .addColumn("status", "text")
        .execute();
      await db.schema
        .createTable("events")
        .addColumn("seq", "bigint", (c) => c.primaryKey())
        .addColumn("task_id", "text", (c) => c.notNull())
        .addColumn("run_id", "text")
        .addColumn("type", "text", (c) => c.notNull())
        .addColumn("schema_version", "integer", (c) => c.notNull())
        .addColumn("body", "text", (c) => c.notNull())
        .addColumn("at", "bigint", (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex("events_task_seq")
        .on("events")
        .columns(["task_id", "seq"])
        .execute();
      await db.schema
        .createIndex("events_run_seq")
        .on("events")
        .columns(["run_id", "seq"])
        .execute();
      await db.schema
        .createTable("event_counter")
        .addColumn("id", "integer", (c) => c.primaryKey())
        .addColumn("last_seq", "bigint", (c) => c.notNull())
        .execute();
      await db.insertInto("event_counter").values({ id: 1, last_seq: 0 }).execute();
      await db.schema
        .createTable("leases")
        .addColumn("task_id", "text", (c) => c.primaryKey())
        .addColumn("owner", "text", (c) => c.notNull())
        .addColumn("expires_at", "bigint", (c) => c.notNull())
        .execute();
    },
  },
  {
    version: 2,
    description: "budget ledger shared by concurrent tasks and processes",
    async up(db) {
      await db.schema
        .createTable("budget_ledger")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("task_id", "text", (c) => c.notNull())
        .addColumn("day", "text", (c) => c.notNull())
        .addColumn("month", "text", (c) => c.notNull())
        .addColumn("amount_usd", "double precision", (c) => c.notNull())
        .addColumn("settled", "integer", (c) => c.notNull())
        .addColumn("expires_at", "bigint", (c) => c.notNull())
        .execute();
      for (const column of ["day", "month", "task_id"] as const) {
        await db.schema
          .createIndex(`budget_ledger_${column === "task_id" ? "task" : column}`)
          .on("budget_ledger")
          .column(column)
          .execute();
      }
      await backfillPgLedger().execute(db);
    },
  },
  {
    version: 3,
    description: "child process groups of runs, to stop a crashed run's children",
    async up(db) {
      await db.schema
        .createTable("child_processes")
        .addColumn("pid", "integer", (c) => c.notNull())
        .addColumn("start_time", "text", (c) => c.notNull())
        .addColumn("ord", "bigserial", (c) => c.notNull())
        .addColumn("pgid", "integer", (c) => c.notNull())
        .addColumn("task_id", "text", (c) => c.notNull())
        .addColumn("attempt", "integer")
        .addColumn("owner", "text", (c) => c.notNull())
        .addColumn("command", "text", (c) => c.notNull())
        .addColumn("started_at", "bigint", (c) => c.notNull())
        .addPrimaryKeyConstraint("child_processes_pk", ["pid", "start_time"])
        .execute();
      await db.schema
        .createIndex("child_processes_task")
        .on("child_processes")
        .columns(["task_id", "started_at"])
        .execute();
    },
  },
  {
    version: 4,
    description:
      "lessons (memory) with full-text search (tsvector, GIN), and a remote memory's outbox",
    async up(db) {
      // `search` is what the embedded memory matches against: the lesson's words and files,
      // weighted and stemmed by the english configuration (SQLite's FTS5 uses porter).
      await sql`create table lessons (
        id text primary key,
        repository text not null,
        task_id text not null,
        created_at bigint not null,
        body text not null,
        search tsvector not null
      )`.execute(db);
      await sql`create index lessons_search on lessons using gin (search)`.execute(db);
      await sql`create index lessons_repository_created on lessons (repository, created_at)`.execute(
        db,
      );
      await sql`create table memory_outbox (
        lesson_id text primary key,
        body text not null,
        attempts integer not null,
        next_at bigint not null,
        last_error text
      )`.execute(db);
    },
  },
];

/** The PostgreSQL schema version this code writes. */
export const PG_LATEST_SCHEMA_VERSION = PG_MIGRATIONS.length;

const MaxVersionSchema = z.object({ version: z.number().int().nullable() });

/**
 * An arbitrary constant key for the advisory lock that serialises migrations: several workers
 * starting at once against a new database must not each create the tables.
 */
const MIGRATION_LOCK_KEY = 7_306_114_210;

/**
 * Brings the database to the last of `migrations`. Idempotent and all or nothing: the pending
 * migrations run in one transaction holding a transaction-level advisory lock, so when several
 * processes open a new database at once exactly one applies them and the others then find
 * nothing to do. A database written by a newer orchestrator is refused.
 */
export async function migratePostgres(
  db: Kysely<PgStoreDatabase>,
  where: string,
  clock: Clock,
  migrations: readonly PgMigration[] = PG_MIGRATIONS,
): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await sql`select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`.execute(tx);
    await tx.schema
      .createTable("schema_migrations")
      .ifNotExists()
      .addColumn("version", "integer", (c) => c.primaryKey())
      .addColumn("applied_at", "bigint", (c) => c.notNull())
      .execute();
    const max = await tx
      .selectFrom("schema_migrations")
      .select((eb) => eb.fn.max("version").as("version"))
      .executeTakeFirst();
    const current = MaxVersionSchema.parse(max).version ?? 0;
    if (current > migrations.length) {
      throw new SystemError(
        `state database ${where} has schema version ${current}, but this orchestrator only ` +
          `knows versions up to ${migrations.length}; it was written by a newer orchestrator. ` +
          `Upgrade the orchestrator.`,
      );
    }
    for (const migration of migrations) {
      if (migration.version <= current) continue;
      await migration.up(tx);
      await tx
        .insertInto("schema_migrations")
        .values({ version: migration.version, applied_at: clock.now() })
        .execute();
    }
  });
}
