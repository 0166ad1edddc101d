import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { Kysely, SqliteDialect } from "kysely";
import { z } from "zod";
import { LessonSchema } from "../../core/lesson.js";
import type { FoundLesson, Lesson } from "../../core/lesson.js";
import { systemClock } from "../../core/ports.js";
import type { Clock, MemoryQuery, MemoryReadResult, MemoryWriteResult } from "../../core/ports.js";
import { configureConnection, migrate } from "../../store/index.js";
import type { StoreDatabase } from "../../store/schema.js";
import type { LocalMemory, OutboxEntry } from "./local-memory.js";
import { indexedText, queryWords, retryDelayMs } from "./local-memory.js";

const BodyRow = z.object({ body: z.string() });
const FoundRow = z.object({ body: z.string(), rank: z.number() });
const OutboxRow = z.object({ lesson_id: z.string(), body: z.string(), attempts: z.number() });

/** The words of free text as an FTS5 query: each quoted, any of them may match. */
export function ftsQuery(text: string): string | undefined {
  const words = queryWords(text);
  return words.length === 0 ? undefined : words.map((w) => `"${w}"`).join(" OR ");
}

/**
 * The embedded {@link Memory}: lessons in the state database (`lessons`, created by migration 4)
 * searched with SQLite FTS5 (bm25). It also holds the durable outbox of the RAE adapter.
 */
export class SqliteMemory implements LocalMemory {
  readonly name = "embedded";

  private constructor(
    private readonly sqlite: Database.Database,
    private readonly clock: Clock,
  ) {}

  /** Opens (creating and migrating if needed) the state database at `path`. */
  static async open(path: string, clock: Clock = systemClock): Promise<SqliteMemory> {
    await mkdir(dirname(path), { recursive: true });
    const sqlite = new Database(path);
    try {
      configureConnection(sqlite, path);
      const db = new Kysely<StoreDatabase>({ dialect: new SqliteDialect({ database: sqlite }) });
      await migrate(db, path, clock);
    } catch (error) {
      sqlite.close();
      throw error;
    }
    return new SqliteMemory(sqlite, clock);
  }

  remember(lessons: readonly Lesson[]): Promise<MemoryWriteResult> {
    const upsert = this.sqlite.prepare(
      `insert into lessons (id, repository, task_id, created_at, body) values (?, ?, ?, ?, ?)
       on conflict(id) do update set repository = excluded.repository, task_id = excluded.task_id,
         created_at = excluded.created_at, body = excluded.body`,
    );
    const unindex = this.sqlite.prepare("delete from lessons_fts where id = ?");
    const index = this.sqlite.prepare("insert into lessons_fts (id, text) values (?, ?)");
    this.sqlite.transaction(() => {
      for (const raw of lessons) {
        const lesson = LessonSchema.parse(raw);
        upsert.run(
          lesson.id,
          lesson.repository,
          lesson.taskId,
          lesson.createdAt,
          JSON.stringify(lesson),
        );
        unindex.run(lesson.id);
        index.run(lesson.id, indexedText(lesson));
      }
    })();
    return Promise.resolve({ stored: lessons.length, queued: 0, delivered: 0 });
  }

  recall(query: MemoryQuery): Promise<MemoryReadResult> {
    const match = ftsQuery(query.text);
    const limit = query.limit ?? 50;
    if (match === undefined) return Promise.resolve({ found: [], source: this.name });
    const rows = this.sqlite
      .prepare(
        `select l.body as body, bm25(lessons_fts) as rank from lessons_fts
         join lessons l on l.id = lessons_fts.id
         where lessons_fts match ? ${query.repository === undefined ? "" : "and l.repository = ?"}
         order by rank limit ?`,
      )
      .all(...(query.repository === undefined ? [match, limit] : [match, query.repository, limit]));
    const parsed = rows.map((r) => FoundRow.parse(r));
    // bm25 is negative, lower is better: scale to 0..1 against the best match.
    const best = Math.min(-1e-9, ...parsed.map((r) => r.rank));
    const found: FoundLesson[] = parsed.map((r) => ({
      lesson: LessonSchema.parse(JSON.parse(r.body)),
      relevance: Math.max(0, Math.min(1, r.rank / best)),
    }));
    return Promise.resolve({ found, source: this.name });
  }

  list(
    filter: {
      readonly repository?: string;
      readonly taskId?: string;
      readonly limit?: number;
    } = {},
  ): Promise<Lesson[]> {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (filter.repository !== undefined) {
      where.push("repository = ?");
      args.push(filter.repository);
    }
    if (filter.taskId !== undefined) {
      where.push("task_id = ?");
      args.push(filter.taskId);
    }
    args.push(filter.limit ?? 1000);
    const rows = this.sqlite
      .prepare(
        `select body from lessons ${where.length ? `where ${where.join(" and ")}` : ""}
         order by created_at desc, id limit ?`,
      )
      .all(...args);
    return Promise.resolve(rows.map((r) => LessonSchema.parse(JSON.parse(BodyRow.parse(r).body))));
  }

  has(id: string): Promise<boolean> {
    return Promise.resolve(
      this.sqlite.prepare("select 1 from lessons where id = ?").get(id) !== undefined,
    );
  }

  forget(id: string): Promise<boolean> {
    const removed = this.sqlite.transaction(() => {
      const changes = this.sqlite.prepare("delete from lessons where id = ?").run(id).changes;
      this.sqlite.prepare("delete from lessons_fts where id = ?").run(id);
      this.sqlite.prepare("delete from memory_outbox where lesson_id = ?").run(id);
      return changes > 0;
    })();
    return Promise.resolve(removed);
  }

  enqueue(lessons: readonly Lesson[]): Promise<void> {
    const put = this.sqlite.prepare(
      `insert into memory_outbox (lesson_id, body, attempts, next_at, last_error) values (?, ?, 0, ?, null)
       on conflict(lesson_id) do update set body = excluded.body, next_at = excluded.next_at`,
    );
    const now = this.clock.now();
    this.sqlite.transaction(() => {
      for (const l of lessons) put.run(l.id, JSON.stringify(l), now);
    })();
    return Promise.resolve();
  }

  due(limit = 100): Promise<OutboxEntry[]> {
    const entries = this.sqlite
      .prepare(
        "select lesson_id, body, attempts from memory_outbox where next_at <= ? order by next_at limit ?",
      )
      .all(this.clock.now(), limit)
      .map((r) => OutboxRow.parse(r))
      .map((r) => ({ lesson: LessonSchema.parse(JSON.parse(r.body)), attempts: r.attempts }));
    return Promise.resolve(entries);
  }

  queued(): Promise<number> {
    const row = z
      .object({ n: z.number() })
      .parse(this.sqlite.prepare("select count(*) as n from memory_outbox").get());
    return Promise.resolve(row.n);
  }

  delivered(id: string): Promise<void> {
    this.sqlite.prepare("delete from memory_outbox where lesson_id = ?").run(id);
    return Promise.resolve();
  }

  failed(id: string, attempts: number, error: string): Promise<void> {
    const wait = retryDelayMs(attempts);
    this.sqlite
      .prepare(
        "update memory_outbox set attempts = ?, next_at = ?, last_error = ? where lesson_id = ?",
      )
      .run(attempts + 1, this.clock.now() + wait, error.slice(0, 500), id);
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.sqlite.close();
    return Promise.resolve();
  }
}
