import { z } from "zod";
import { LessonSchema } from "../../core/lesson.js";
import type { FoundLesson, Lesson } from "../../core/lesson.js";
import type { Memory, MemoryQuery, MemoryReadResult, MemoryWriteResult } from "../../core/ports.js";
import type { LocalMemory } from "./local-memory.js";

/** How the RAE adapter reaches the service; `fetch` is injectable for tests. */
export interface RaeTransport {
  /** Base URL, e.g. `http://127.0.0.1:8000`. */
  readonly url: string;
  readonly apiKey: string;
  readonly tenant: string;
  /** The RAE project lessons are written to and queried in. */
  readonly project: string;
  readonly timeoutMs: number;
  readonly fetch?: typeof fetch;
}

const StoreResponse = z.object({ memory_id: z.string() }).loose();
const QueryResponse = z
  .object({
    results: z.array(
      z
        .object({
          id: z.string(),
          content: z.string(),
          score: z.number().optional(),
          metadata: z.record(z.string(), z.unknown()).optional().nullable(),
        })
        .loose(),
    ),
  })
  .loose();

/**
 * The {@link Memory} of the RAE service (`POST /v2/memories/`, `POST /v2/memories/query`,
 * `X-API-Key`, `X-Tenant-Id`). Every lesson is also kept in the embedded memory, which answers
 * `list` and `forget` and stands in for recall while RAE is unreachable; writes go through a
 * durable outbox in the state database and are retried on later calls until RAE takes them.
 */
export class RaeMemory implements Memory {
  readonly name = "rae";
  private readonly fetch: typeof fetch;

  constructor(
    private readonly transport: RaeTransport,
    private readonly local: LocalMemory,
  ) {
    this.fetch = transport.fetch ?? globalThis.fetch;
  }

  private async post(path: string, body: unknown): Promise<unknown> {
    const response = await this.fetch(new URL(path, this.transport.url), {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-api-key": this.transport.apiKey,
        "x-tenant-id": this.transport.tenant,
      },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(this.transport.timeoutMs),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`RAE ${path}: HTTP ${response.status} ${text.slice(0, 200)}`);
    return JSON.parse(text) as unknown;
  }

  private async store(lesson: Lesson): Promise<void> {
    StoreResponse.parse(
      await this.post("/v2/memories/", {
        content: `${lesson.title}\n${lesson.text}`,
        project: this.transport.project,
        importance: lesson.importance,
        tags: [lesson.kind, lesson.area, lesson.risk, ...lesson.files].slice(0, 20),
        layer: "episodic",
        session_id: lesson.taskId,
        memory_type: "lesson",
        metadata: { lesson },
      }),
    );
  }

  /** Delivers queued writes that are due; stops at the first failure (RAE is likely down). */
  private async flush(): Promise<{ delivered: number; error?: string }> {
    let delivered = 0;
    for (const entry of await this.local.due()) {
      try {
        await this.store(entry.lesson);
        await this.local.delivered(entry.lesson.id);
        delivered++;
      } catch (error) {
        const message = messageOf(error);
        await this.local.failed(entry.lesson.id, entry.attempts, message);
        return { delivered, error: message };
      }
    }
    return { delivered };
  }

  async remember(lessons: readonly Lesson[]): Promise<MemoryWriteResult> {
    await this.local.remember(lessons);
    await this.local.enqueue(lessons);
    const { delivered, error } = await this.flush();
    const queued = await this.local.queued();
    return { stored: lessons.length, queued, delivered, ...(error === undefined ? {} : { error }) };
  }

  async recall(query: MemoryQuery): Promise<MemoryReadResult> {
    const text = query.text.trim().slice(0, 1024);
    if (text === "") return { found: [], source: this.name };
    try {
      // Queued lessons first, so RAE knows them before it is asked.
      await this.flush();
      const answer = QueryResponse.parse(
        await this.post("/v2/memories/query", {
          query: text,
          project: this.transport.project,
          k: Math.min(100, query.limit ?? 50),
        }),
      );
      const found: FoundLesson[] = [];
      for (const result of answer.results) {
        const lesson = LessonSchema.safeParse(result.metadata?.lesson).data;
        // Not one of ours, of another repository, or forgotten here.
        if (lesson === undefined || !(await this.local.has(lesson.id))) continue;
        if (query.repository !== undefined && lesson.repository !== query.repository) continue;
        found.push({ lesson, relevance: Math.max(0, Math.min(1, result.score ?? 0.5)) });
      }
      return { found, source: this.name };
    } catch (error) {
      const local = await this.local.recall(query);
      return { ...local, fallbackReason: `RAE unavailable: ${messageOf(error)}` };
    }
  }

  list(filter?: {
    readonly repository?: string;
    readonly taskId?: string;
    readonly limit?: number;
  }): Promise<Lesson[]> {
    return this.local.list(filter);
  }

  /** Forgets here and drops a queued write; RAE's API has no delete, so recall filters it out. */
  forget(id: string): Promise<boolean> {
    return this.local.forget(id);
  }

  /** Lessons still waiting for RAE. */
  queued(): Promise<number> {
    return this.local.queued();
  }

  close(): Promise<void> {
    return this.local.close();
  }
}

function messageOf(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : "";
    return `${error.message}${cause}`;
  }
  return String(error);
}
