import type { Lesson } from "../../core/lesson.js";
import type { Memory } from "../../core/ports.js";

/** A queued write of the remote memory. */
export interface OutboxEntry {
  readonly lesson: Lesson;
  readonly attempts: number;
}

/**
 * An embedded {@link Memory} in the state database (SQLite FTS5 or PostgreSQL full-text search),
 * which also holds the durable outbox the RAE adapter delivers from.
 */
export interface LocalMemory extends Memory {
  /** Whether a lesson is (still) known here; the RAE adapter drops forgotten ones it returns. */
  has(id: string): Promise<boolean>;
  /** Queues lessons for the remote memory (replacing a queued older version). */
  enqueue(lessons: readonly Lesson[]): Promise<void>;
  /** Queued writes due now, oldest first. */
  due(limit?: number): Promise<OutboxEntry[]>;
  /** How many writes wait in the queue. */
  queued(): Promise<number>;
  delivered(id: string): Promise<void>;
  /** Records a failed delivery; the next try waits 2^attempts seconds, at most an hour. */
  failed(id: string, attempts: number, error: string): Promise<void>;
}

/** How long a failed delivery waits before the next try: 2^attempts seconds, at most an hour. */
export function retryDelayMs(attempts: number): number {
  return Math.min(3_600_000, 1000 * 2 ** attempts);
}

/** The words of free text for a full-text query: letters, digits and `_`, at most 64. */
export function queryWords(text: string): string[] {
  return [...new Set(text.toLowerCase().match(/[\p{L}\p{N}_]{2,}/gu) ?? [])].slice(0, 64);
}

/** What the full-text index holds for a lesson: its words and its files' names and paths. */
export function indexedText(lesson: Lesson): string {
  const fileWords = lesson.files.map((f) => f.replace(/[/._-]+/g, " "));
  return [lesson.title, lesson.text, lesson.area, ...lesson.files, ...fileWords].join("\n");
}
