import type { FoundLesson, Lesson } from "../core/lesson.js";

const DAY_MS = 24 * 60 * 60 * 1000;
/** Recency halves every this many days. */
const HALF_LIFE_DAYS = 30;

/** What a recall is for: the files it touches and the time, for overlap and recency. */
export interface RankContext {
  readonly files: readonly string[];
  readonly now: number;
}

/** Share of the lesson's files the call touches (or that share a folder, at half weight). */
function fileOverlap(lesson: Lesson, files: readonly string[]): number {
  if (lesson.files.length === 0 || files.length === 0) return 0;
  const wanted = new Set(files);
  const dirs = new Set(files.map((f) => f.slice(0, Math.max(0, f.lastIndexOf("/")))));
  let score = 0;
  for (const f of lesson.files) {
    if (wanted.has(f)) score += 1;
    else if (dirs.has(f.slice(0, Math.max(0, f.lastIndexOf("/"))))) score += 0.25;
  }
  return Math.min(1, score / lesson.files.length);
}

/**
 * Orders found lessons: text relevance 0.4, file overlap 0.25, importance 0.2, recency 0.15,
 * and a lesson from a human ahead of every other (+1).
 */
export function rankLessons(found: readonly FoundLesson[], ctx: RankContext): FoundLesson[] {
  const score = ({ lesson, relevance }: FoundLesson): number => {
    const ageDays = Math.max(0, ctx.now - lesson.createdAt) / DAY_MS;
    const recency = 0.5 ** (ageDays / HALF_LIFE_DAYS);
    return (
      0.4 * relevance +
      0.25 * fileOverlap(lesson, ctx.files) +
      0.2 * lesson.importance +
      0.15 * recency +
      (lesson.source === "human" ? 1 : 0)
    );
  };
  return found
    .map((f) => ({ f, s: score(f) }))
    .sort((a, b) => b.s - a.s || a.f.lesson.id.localeCompare(b.f.lesson.id))
    .map(({ f }) => f);
}

/** About four characters per token, as the context budget counts. */
export function lessonTokens(lesson: Lesson): number {
  return Math.ceil((lesson.title.length + lesson.text.length + 8) / 4);
}

/** The best lessons that fit in `budgetTokens`, in rank order. */
export function withinBudget(ranked: readonly FoundLesson[], budgetTokens: number): Lesson[] {
  const chosen: Lesson[] = [];
  let used = 0;
  for (const { lesson } of ranked) {
    const cost = lessonTokens(lesson);
    if (used + cost > budgetTokens) continue;
    chosen.push(lesson);
    used += cost;
  }
  return chosen;
}
