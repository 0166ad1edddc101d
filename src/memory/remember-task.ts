import type { EventBody } from "../core/events.js";
import type { Memory, Store } from "../core/ports.js";
import { distillLessons } from "./distill-lessons.js";

/** Task states after which a task's lessons are distilled. */
export const LESSON_STATES: ReadonlySet<string> = new Set([
  "DONE",
  "AWAITING_HUMAN_REVIEW",
  "FAILED",
]);

/**
 * Distils a finished task's lessons from its log, hands them to the memory and records a
 * `memory.stored` event (with the error and queue length when a remote memory was down).
 * Never throws for the memory: a run must not stop because lessons could not be saved.
 */
export async function rememberTask(
  store: Store,
  memory: Memory,
  taskId: string,
  runId: string | null,
  now: number,
): Promise<EventBody | undefined> {
  const lessons = distillLessons(await store.events(taskId), now);
  if (lessons.length === 0) return undefined;
  let body: EventBody;
  try {
    const result = await memory.remember(lessons);
    body = {
      type: "memory.stored",
      lessons: lessons.map((l) => l.id),
      backend: memory.name,
      queued: result.queued,
      delivered: result.delivered,
      ...(result.error === undefined ? {} : { error: result.error }),
    };
  } catch (error) {
    body = {
      type: "memory.stored",
      lessons: [],
      backend: memory.name,
      queued: 0,
      delivered: 0,
      error: error instanceof Error ? error.message : String(error),
    };
  }
  await store.append(taskId, runId, body);
  return body;
}
