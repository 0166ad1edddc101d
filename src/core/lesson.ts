import { z } from "zod";
import { RiskSchema } from "./task.js";

/** What a lesson was distilled from. */
export const LESSON_KINDS = [
  "review_fix",
  "gate_fix",
  "gate_unresolved",
  "human",
  "model_result",
] as const;
export type LessonKind = (typeof LESSON_KINDS)[number];

/**
 * One thing learned from a finished task, distilled from its event log without a model call.
 * Saved in the memory (docs/MEMORY.md) and recalled into later prompts.
 */
export const LessonSchema = z.object({
  /** Deterministic (task, kind, step, attempt), so distilling a task again replaces its lessons. */
  id: z.string().min(1),
  kind: z.enum(LESSON_KINDS),
  /** One line, shown in lists and the run log. */
  title: z.string().min(1),
  /** The lesson as it goes into a prompt. */
  text: z.string().min(1),
  /** The repository as the task names it. */
  repository: z.string(),
  area: z.string(),
  risk: RiskSchema,
  files: z.array(z.string()),
  models: z.array(z.string()),
  taskId: z.string().min(1),
  stepId: z.string().optional(),
  /** 0..1; human lessons are highest. */
  importance: z.number().min(0).max(1),
  /** `human`: a person's feedback or decision; these outrank the rest when recalled. */
  source: z.enum(["human", "orchestrator"]),
  /** Milliseconds since the epoch. */
  createdAt: z.number().int().nonnegative(),
});
export type Lesson = z.infer<typeof LessonSchema>;

/** A lesson found by {@link MemoryQuery}, with its text relevance (higher is better, 0..1). */
export interface FoundLesson {
  readonly lesson: Lesson;
  readonly relevance: number;
}
