import { sql } from "kysely";
import type { Kysely } from "kysely";
import { z } from "zod";
import { SystemError } from "../core/errors.js";
import type { Clock } from "../core/ports.js";
import type { StoreDatabase } from "./schema.js";

/** One schema change. Versions are consecutive from 1; a released migration never changes. */
export interface Migration {
  readonly version: number;
  readonly description: string;
  up(db: Kysely<StoreDatabase>): Promise<void>;
}

/** Every schema change in order. Append new ones; never edit or reorder released ones. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: "tasks, runs, events, leases",
    async up(db) {
      await db.schema
        .createTable("tasks")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("body", "text", (c) => c.notNull())
        .addColumn("updated_at", "integer", (c) => c.notNull())
        .execute();
      await db.schema
        .createTable("runs")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("command", "text", (c) => c.notNull())
        .addColumn("started_at", "integer", (c) => c.notNull())
        .addColumn("finished_at", "integer")
        .addColumn("status", "text")
        .execute();
      // No foreign keys from events: like the in-memory store, the log accepts events for
      // tasks and runs it has no row for (the engine may log before saving the task).
      await db.schema
        .createTable("events")
        .addColumn("seq", "integer", (c) => c.primaryKey().autoIncrement())
        .addColumn("task_id", "text", (c) => c.notNull())
        .addColumn("run_id", "text")
        .addColumn("type", "text", (c) => c.notNull())
        .addColumn("schema_version", "integer", (c) => c.notNull())
        .addColumn("body", "text", (c) => c.notNull())
        .addColumn("at", "integer", (c) => c.notNull())
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
        .createTable("leases")
        .addColumn("task_id", "text", (c) => c.primaryKey())
        .addColumn("owner", "text", (c) => c.notNull())
        .addColumn("expires_at", "integer", (c) => c.notNull())
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
        .addColumn("amount_usd", "real", (c) => c.notNull())
        .addColumn("settled", "integer", (c) => c.notNull())
        .addColumn("expires_at", "integer", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("budget_ledger_day").on("budget_ledger").column("day").execute();
      await db.schema
        .createIndex("budget_ledger_month")
        .on("budget_ledger")
        .column("month")
        .execute();
      await db.schema
        .createIndex("budget_ledger_task")
        .on("budget_ledger")
        .column("task_id")
        .execute();
      // Spend recorded before the ledger existed keeps counting against the limits.
      await sql`
        insert into budget_ledger (id, task_id, day, month, amount_usd, settled, expires_at)
        select 'event-' || seq, task_id,
               strftime('%Y-%m-%d', at / 1000, 'unixepoch'),
               strftime('%Y-%m', at / 1000, 'unixepoch'),
               json_extract(body, '$.costUsd'), 1, 0
        from events
        where type = 'model.call' and coalesce(json_extract(body, '$.costUsd'), 0) > 0
      `.execute(db);
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
        .addColumn("pgid", "integer", (c) => c.notNull())
        .addColumn("task_id", "text", (c) => c.notNull())
        .addColumn("attempt", "integer")
        .addColumn("owner", "text", (c) => c.notNull())
        .addColumn("command", "text", (c) => c.notNull())
        .addColumn("started_at", "integer", (c) => c.notNull())
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
    description: "lessons (memory) with full-text search, and the outbox of a remote memory",
    async up(db) {
      await db.schema
        .createTable("lessons")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("repository", "text", (c) => c.notNull())
        .addColumn("task_id", "text", (c) => c.notNull())
        .addColumn("created_at", "integer", (c) => c.notNull())
        .addColumn("body", "text", (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex("lessons_repository_created")
        .on("lessons")
        .columns(["repository", "created_at"])
        .execute();
      // A plain FTS5 table keyed by id (contentless-delete is newer than some SQLite builds).
      await sql`create virtual table lessons_fts using fts5(id unindexed, text, tokenize = 'porter unicode61')`.execute(
        db,
      );
      await db.schema
        .createTable("memory_outbox")
        .addColumn("lesson_id", "text", (c) => c.primaryKey())
        .addColumn("body", "text", (c) => c.notNull())
        .addColumn("attempts", "integer", (c) => c.notNull())
        .addColumn("next_at", "integer", (c) => c.notNull())
        .addColumn("last_error", "text")
        .execute();
    },
  },
];

/** The schema version this code writes. */
export const LATEST_SCHEMA_VERSION = MIGRATIONS.length;

const TableCountSchema = z.object({ n: z.number().int() });
const MaxVersionSchema = z.object({ version: z.number().int().nullable() });

/** The database's schema version: 0 for a new or empty file. */
export async function schemaVersion(db: Kysely<StoreDatabase>): Promise<number> {
  const { rows } = await sql`
    select count(*) as n from sqlite_master where type = 'table' and name = 'schema_migrations'
  `.execute(db);
  if (TableCountSchema.parse(rows[0]).n === 0) return 0;
  const max = await db
    .selectFrom("schema_migrations")
    .select((eb) => eb.fn.max("version").as("version"))
    .executeTakeFirst();
  return MaxVersionSchema.parse(max).version ?? 0;
}

function refuseNewer(path: string, version: number, latest: number): never {
  throw new SystemError(
    `state database ${path} has schema version ${version}, but this orchestrator only knows ` +
      `versions up to ${latest}; it was written by a newer orchestrator. ` +
      `Upgrade the orchestrator, or move the file away to start afresh.`,
  );
}

async function applyPending(
  db: Kysely<StoreDatabase>,
  path: string,
  clock: Clock,
  migrations: readonly Migration[],
): Promise<void> {
  await db.schema
    .createTable("schema_migrations")
    .ifNotExists()
    .addColumn("version", "integer", (c) => c.primaryKey())
    .addColumn("applied_at", "integer", (c) => c.notNull())
    .execute();
  const current = await schemaVersion(db);
  if (current > migrations.length) refuseNewer(path, current, migrations.length);
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    await migration.up(db);
    await db
      .insertInto("schema_migrations")
      .values({ version: migration.version, applied_at: clock.now() })
      .execute();
  }
}

/**
 * Brings the database to the last of `migrations` (versions 1..n in order). Idempotent, and
 * all or nothing: the pending migrations run in one `BEGIN IMMEDIATE` transaction, which
 * takes the write lock before the version is read, so when several processes open a new
 * file at once exactly one applies them and the others then find nothing to do.
 */
export async function migrate(
  db: Kysely<StoreDatabase>,
  path: string,
  clock: Clock,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<void> {
  const seen = await schemaVersion(db);
  if (seen > migrations.length) refuseNewer(path, seen, migrations.length);
  if (seen === migrations.length) return;
  await db.connection().execute(async (conn) => {
    await sql`begin immediate`.execute(conn);
    try {
      await applyPending(conn, path, clock, migrations);
      await sql`commit`.execute(conn);
    } catch (error) {
      await sql`rollback`.execute(conn);
      throw error;
    }
  });
}
