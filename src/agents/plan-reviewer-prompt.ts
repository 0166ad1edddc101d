import type { Plan } from "../core/plan.js";
import type { PromptTemplates, RenderedPrompt } from "./prompt-templates.js";
import { defaultTemplates } from "./prompt-templates.js";
import type { TaskBrief } from "./prompt-views.js";
import { taskView } from "./prompt-views.js";

/** What the plan reviewer judges. */
export interface PlanReviewerInput {
  readonly task: TaskBrief;
  readonly plan: Plan;
  /** The planning round of this plan (1 for the first plan). */
  readonly round?: number | undefined;
  /** On later rounds: the findings the plan was revised for, to check they were addressed. */
  readonly previousFindings?: string | undefined;
}

/** The plan reviewer's prompt: the task with its labelled constraints and the plan JSON. */
export function renderPlanReviewerPrompt(
  input: PlanReviewerInput,
  templates: PromptTemplates = defaultTemplates(),
): RenderedPrompt {
  const findings = input.previousFindings?.trim() ?? "";
  return templates.render("plan-reviewer", {
    task: taskView(input.task),
    planJson: JSON.stringify(input.plan, null, 2),
    planId: `${input.plan.task_id}-v${input.plan.plan_version}`,
    round: input.round ?? 1,
    previousFindings: findings === "" ? null : findings,
  });
}
