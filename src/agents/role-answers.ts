import type { Plan } from "../core/plan.js";
import { PlanSchema } from "../core/plan.js";
import type { CodeReview, PlanReview } from "../core/review.js";
import { CodeReviewSchema, PlanReviewSchema } from "../core/review.js";
import type { Parsed } from "./json-answer.js";
import { parseJsonAnswer } from "./json-answer.js";

function problem(path: string, message: string): { ok: false; error: string } {
  return { ok: false, error: `the JSON does not match the required shape:\n- ${path}: ${message}` };
}

/**
 * Parses the planner's answer into a {@link Plan}; besides the schema, the plan must be for the
 * task being planned (`task_id` equal to its id).
 */
export function parsePlanAnswer(text: string, taskId: string): Parsed<Plan> {
  const parsed = parseJsonAnswer(text, PlanSchema);
  if (!parsed.ok) return parsed;
  if (parsed.value.task_id !== taskId) {
    return problem(
      "task_id",
      `must be ${JSON.stringify(taskId)} (the id of the task being planned), got ${JSON.stringify(parsed.value.task_id)}`,
    );
  }
  return parsed;
}

/**
 * Parses the plan reviewer's answer into a {@link PlanReview}. A review that does not approve
 * must say why (at least one missing step, concern or suggestion): the planner revises from it.
 */
export function parsePlanReviewAnswer(text: string): Parsed<PlanReview> {
  const parsed = parseJsonAnswer(text, PlanReviewSchema);
  if (!parsed.ok) return parsed;
  const { status, review } = parsed.value;
  const findings = review.missing_steps.length + review.concerns.length + review.suggestions.length;
  if (status !== "approved" && findings === 0) {
    return problem(
      "review",
      `status "${status}" needs at least one entry in missing_steps, concerns or suggestions saying what to change`,
    );
  }
  return parsed;
}

/**
 * Parses the code reviewer's answer into a {@link CodeReview}. A review that does not approve
 * must list at least one required change (the implementer's next attempt works from them), and a
 * `step_id`, when given, must be the reviewed step's.
 */
export function parseCodeReviewAnswer(text: string, stepId?: string): Parsed<CodeReview> {
  const parsed = parseJsonAnswer(text, CodeReviewSchema);
  if (!parsed.ok) return parsed;
  const { status, review, step_id } = parsed.value;
  if (stepId !== undefined && step_id !== undefined && step_id !== stepId) {
    return problem(
      "step_id",
      `must be ${JSON.stringify(stepId)} (the step under review), got ${JSON.stringify(step_id)}`,
    );
  }
  if (status !== "approved" && review.required_changes.length === 0) {
    return problem(
      "review.required_changes",
      `status "${status}" needs at least one required change saying what to fix`,
    );
  }
  return parsed;
}
