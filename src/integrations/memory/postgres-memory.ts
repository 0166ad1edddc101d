import { Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";
import { z } from "zod";
import { OrchestratorError, SystemError } from "../../core/errors.js";
import { LessonSchema } from "../../core/lesson.js";
import type { FoundLesson, Lesson } from "../../core/lesson.js";
import { systemClock } from "../../core/ports.js";
import type { Clock, MemoryQuery, MemoryReadResult, MemoryWriteResult } from "../../core/ports.js";
import { redactDatabaseUrl } from "../../store/database-url.js";
import { migratePostgres } from "../../store/postgres-migrations.js";
import type { PgStoreDatabase } from "../../store/postgres-schema.js";
import { pgTypes } from "../../store/postgres-store.js";
import type { LocalMemory, OutboxEntry } from "./local-memory.js";
import { indexedText, queryWords, retryDelayMs } from "./local-memory.js";

const BodyRow = z.object({ body: z.string() });
const FoundRow = z.object({ body: z.string(), rank: z.number() });
const OutboxRow = z.object({ lesson_id: z.string(), body: z.string(), attempts: z.number() });
const CountRow = z.object({ n: z.number() });

/** The text search configuration: english stems words as SQLite's porter tokenizer does. */
const CONFIG = "english";

/**
 * The words as a tsquery any of which may match. Each word is only letters, digits and `_`
 * ({@link queryWords}), so none can carry tsquery syntax; english stop words drop out.
 */
function tsQueryText(text: string): string | undefined {
  const words = queryWords(text);
  return words.length === 0 ? undefined : words.join(" | ");
}

/**
 * The embedded {@link LocalMemory} of a PostgreSQL store: lessons in the same database as the
 * events (`lessons`, PostgreSQL migration 4), matched with `tsvector`/`tsquery` over a GIN index
 * and ranked with `ts_rank_cd`. It also holds the RAE adapter's durable outbox, so every
 * machine of a shared store sees the same lessons and the same queue.
 */
export class PostgresMemory implements LocalMemory {
  readonly name = "embedded";

  private constructor(
    private readonly db: Kysely<PgStoreDatabase>,
    private readonly clock: Clock,
  ) {}

  /** Connects to `url` and applies pending migrations (the store's, which include memory). */
  static async open(url: string, clock: Clock = systemClock): Promise<PostgresMemory> {
    const where = redactDatabaseUrl(url);
    const pool = new pg.Pool({
      connectionString: url,
      max: 2,
      types: pgTypes(),
      connectionTimeoutMillis: 10_000,
    });
    pool.on("error", () => undefined);
    const db = new Kysely<PgStoreDatabase>({ dialect: new PostgresDialect({ pool }) });
    try {
      await migratePostgres(db, where, clock);
      return new PostgresMemory(db, clock);
    } catch (error) {
      await db.destroy().catch(() => undefined);
      if (error instanceof OrchestratorError) throw error;
      const message = error instanceof Error ? error.message : String(error);
      throw new SystemError(`cannot open the memory in ${where}: ${message}`, { cause: error });
    }
  }

  async remember(lessons: readonly Lesson[]): Promise<MemoryWriteResult> {
    const parsed = lessons.map((raw) => LessonSchema.parse(raw));
    await this.db.transaction().execute(async (tx) => {
      for (const lesson of parsed) {
        await sql`insert into lessons (id, repository, task_id, created_at, body, search)
          values (${lesson.id}, ${lesson.repository}, ${lesson.taskId}, ${lesson.createdAt},
            ${JSON.stringify(lesson)}, to_tsvector(${CONFIG}::regconfig, ${indexedText(lesson)}))
          on conflict (id) do update set repository = excluded.repository,
            task_id = excluded.task_id, created_at = excluded.created_at, body = excluded.body,
            search = excluded.search`.execute(tx);
      }
    });
    return { stored: parsed.length, queued: 0, delivered: 0 };
  }

  async recall(query: MemoryQuery): Promise<MemoryReadResult> {
    const text = tsQueryText(query.text);
    if (text === undefined) return { found: [], source: this.name };
    const repository =
      query.repository === undefined ? sql`` : sql`and repository = ${query.repository}`;
    const { rows } = await sql`
      select body, ts_rank_cd(search, q)::float8 as rank
      from lessons, to_tsquery(${CONFIG}::regconfig, ${text}) as q
      where search @@ q ${repository}
      order by rank desc, created_at desc, id
      limit ${query.limit ?? 50}`.execute(this.db);
    const parsed = rows.map((r) => FoundRow.parse(r));
    // ts_rank_cd is positive, higher is better: scale to 0..1 against the best match.
    const best = Math.max(1e-9, ...parsed.map((r) => r.rank));
    const found: FoundLesson[] = parsed.map((r) => ({
      lesson: LessonSchema.parse(JSON.parse(r.body)),
      relevance: Math.max(0, Math.min(1, r.rank / best)),
    }));
    return { found, source: this.name };
  }

  async list(
    filter: {
      readonly repository?: string;
      readonly taskId?: string;
      readonly limit?: number;
    } = {},
  ): Promise<Lesson[]> {
    const { rows } = await sql`
      select body from lessons
      where (${filter.repository ?? null}::text is null or repository = ${filter.repository ?? null})
        and (${filter.taskId ?? null}::text is null or task_id = ${filter.taskId ?? null})
      order by created_at desc, id
      limit ${filter.limit ?? 1000}`.execute(this.db);
    return rows.map((r) => LessonSchema.parse(JSON.parse(BodyRow.parse(r).body)));
  }

  async has(id: string): Promise<boolean> {
    const { rows } = await sql`select 1 from lessons where id = ${id}`.execute(this.db);
    return rows.length > 0;
  }

  async forget(id: string): Promise<boolean> {
    return this.db.transaction().execute(async (tx) => {
      const removed = await sql`delete from lessons where id = ${id}`.execute(tx);
      await sql`delete from memory_outbox where lesson_id = ${id}`.execute(tx);
      return (removed.numAffectedRows ?? 0n) > 0n;
    });
  }

  async enqueue(lessons: readonly Lesson[]): Promise<void> {
    const now = this.clock.now();
    await this.db.transaction().execute(async (tx) => {
      for (const l of lessons) {
        await sql`insert into memory_outbox (lesson_id, body, attempts, next_at, last_error)
          values (${l.id}, ${JSON.stringify(l)}, 0, ${now}, null)
          on conflict (lesson_id) do update set body = excluded.body, next_at = excluded.next_at`.execute(
          tx,
        );
      }
    });
  }

  async due(limit = 100): Promise<OutboxEntry[]> {
    const { rows } = await sql`
      select lesson_id, body, attempts from memory_outbox where next_at <= ${this.clock.now()}
      order by next_at, lesson_id limit ${limit}`.execute(this.db);
    return rows
      .map((r) => OutboxRow.parse(r))
      .map((r) => ({ lesson: LessonSchema.parse(JSON.parse(r.body)), attempts: r.attempts }));
  }

  async queued(): Promise<number> {
    const { rows } = await sql`select count(*)::int as n from memory_outbox`.execute(this.db);
    return CountRow.parse(rows[0]).n;
  }

  async delivered(id: string): Promise<void> {
    await sql`delete from memory_outbox where lesson_id = ${id}`.execute(this.db);
  }

  async failed(id: string, attempts: number, error: string): Promise<void> {
    const next = this.clock.now() + retryDelayMs(attempts);
    await sql`update memory_outbox set attempts = ${attempts + 1}, next_at = ${next},
      last_error = ${error.slice(0, 500)} where lesson_id = ${id}`.execute(this.db);
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}
