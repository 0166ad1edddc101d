import type { Script } from "../../src/providers/scripted-provider.js";

type Answer = Script["answers"][number];

/** A step of a scripted plan, and what the scripted implementer does for it. */
export interface ScriptedStep {
  readonly id: string;
  readonly description: string;
  readonly type?: string;
  readonly risk?: "low" | "medium" | "high";
  /** Agent mode: files the implementer writes. */
  readonly files?: Record<string, string>;
  /** Text mode: the implementer's answer (edit blocks). */
  readonly text?: string;
}

/** JSON text of a plan for `taskId` with the given steps. */
export function planJson(taskId: string, steps: readonly ScriptedStep[]): string {
  return JSON.stringify({
    task_id: taskId,
    plan_version: 1,
    steps: steps.map((s) => ({
      id: s.id,
      type: s.type ?? "implementation",
      description: s.description,
      risk: s.risk ?? "low",
      estimated_complexity: "small",
    })),
    rollback_strategy: "delete the task branch",
  });
}

export const APPROVE_PLAN = JSON.stringify({
  status: "approved",
  review: { completeness: 9, feasibility: 9, risk_assessment: 9 },
});

export function reviewCode(
  status: "approved" | "needs_changes" | "rejected",
  changes: string[] = [],
): string {
  return JSON.stringify({
    status,
    review: {
      correctness: status === "approved" ? 9 : 5,
      code_quality: 8,
      required_changes: changes,
    },
  });
}

/**
 * A script where every role succeeds first time: a plan with `steps`, an approving plan review,
 * each step implemented as given, and approving code reviews. Extra answers (for failures,
 * retries) can be appended; the more specific answer wins.
 */
export function happyScript(
  taskId: string,
  steps: readonly ScriptedStep[],
  extra: Answer[] = [],
): Script {
  const answers: Answer[] = [
    answer({ role: "planner", text: planJson(taskId, steps) }),
    answer({ role: "plan_reviewer", text: APPROVE_PLAN }),
    answer({ role: "code_reviewer", text: reviewCode("approved") }),
    ...steps.map((s) =>
      answer({
        role: "implementer",
        step: s.id,
        text: s.text ?? `Implemented ${s.id}.`,
        files: s.files ?? {},
      }),
    ),
    ...extra,
  ];
  return { answers };
}

/** One scripted answer with the defaults filled in. */
export function answer(a: Partial<Answer> & Pick<Answer, "role">): Answer {
  return { repair: false, text: "", files: {}, delay_ms: 0, ...a };
}
