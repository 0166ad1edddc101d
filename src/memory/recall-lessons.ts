import type { Lesson } from "../core/lesson.js";
import type { Memory } from "../core/ports.js";
import { rankLessons, withinBudget } from "./rank-lessons.js";

/** What a prompt is about, to find lessons for it. */
export interface RecallRequest {
  readonly text: string;
  readonly repository: string;
  readonly files: readonly string[];
  readonly budgetTokens: number;
  readonly now: number;
}

/** The lessons chosen for one prompt and where they came from. */
export interface Recalled {
  readonly lessons: Lesson[];
  readonly source: string;
  readonly fallbackReason?: string;
}

/** The most relevant lessons of the repository for a prompt, ranked and cut to the budget. */
export async function recallLessons(memory: Memory, request: RecallRequest): Promise<Recalled> {
  if (request.budgetTokens <= 0) return { lessons: [], source: memory.name };
  const text = [request.text, ...request.files].join(" ");
  const read = await memory.recall({ text, repository: request.repository, limit: 50 });
  const ranked = rankLessons(read.found, { files: request.files, now: request.now });
  return {
    lessons: withinBudget(ranked, request.budgetTokens),
    source: read.source,
    ...(read.fallbackReason === undefined ? {} : { fallbackReason: read.fallbackReason }),
  };
}
