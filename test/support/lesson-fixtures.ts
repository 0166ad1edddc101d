import type { Lesson } from "../../src/core/lesson.js";

/** A lesson with sensible defaults; tests override what they check. */
export function lesson(overrides: Partial<Lesson> & Pick<Lesson, "id">): Lesson {
  return {
    kind: "gate_fix",
    title: "tests failed: test_divide_by_zero",
    text: "The check tests failed with ZeroDivisionError in calc.py; the fix guarded the divisor.",
    repository: "demo",
    area: "math",
    risk: "low",
    files: ["calc.py"],
    models: ["local_coder"],
    taskId: "T1",
    stepId: "s1",
    importance: 0.6,
    source: "orchestrator",
    createdAt: 1_000,
    ...overrides,
  };
}
