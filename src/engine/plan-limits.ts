import type { Plan } from "../core/plan.js";
import { DEFAULT_PLAN_LIMITS } from "../core/project-config.js";
import type { ModelsConfig } from "../core/project-config.js";
import type { Task } from "../core/task.js";

/** The limits that apply to a task's plan: the task's `max_plan_steps`, else the global ones. */
export function planLimitsFor(
  task: Pick<Task, "maxPlanSteps">,
  models: Pick<ModelsConfig, "limits">,
): { maxPlanSteps: number; maxFilesPerStep: number } {
  const global = models.limits ?? DEFAULT_PLAN_LIMITS;
  return {
    maxPlanSteps: task.maxPlanSteps ?? global.maxPlanSteps,
    maxFilesPerStep: global.maxFilesPerStep,
  };
}

/**
 * Why a plan is over its limits, in words the planner can act on, or undefined when it is not.
 * A plan of hundreds of steps would be hundreds of implement/review/gate cycles.
 */
export function planOverLimits(
  plan: Plan,
  limits: { maxPlanSteps: number; maxFilesPerStep: number },
): string | undefined {
  const problems: string[] = [];
  if (plan.steps.length > limits.maxPlanSteps) {
    problems.push(
      `the plan has ${String(plan.steps.length)} steps; at most ${String(limits.maxPlanSteps)} ` +
        `are allowed (max_plan_steps): merge small steps into larger coherent ones`,
    );
  }
  const wide = plan.steps.filter(
    (s) => s.files_to_create.length + s.files_to_modify.length > limits.maxFilesPerStep,
  );
  if (wide.length > 0) {
    const list = wide
      .slice(0, 5)
      .map((s) => `${s.id} (${String(s.files_to_create.length + s.files_to_modify.length)})`)
      .join(", ");
    problems.push(
      `steps ${list} touch more than ${String(limits.maxFilesPerStep)} files ` +
        `(limits.max_files_per_step): split them`,
    );
  }
  return problems.length === 0 ? undefined : problems.join("; ");
}
