/** Lessons: distilled from finished tasks, ranked and recalled into prompts (docs/MEMORY.md). */
export { distillLessons } from "./distill-lessons.js";
export { rankLessons, withinBudget, lessonTokens } from "./rank-lessons.js";
export { recallLessons } from "./recall-lessons.js";
export type { Recalled, RecallRequest } from "./recall-lessons.js";
export { rememberTask, LESSON_STATES } from "./remember-task.js";
