import type { Plan } from "../core/plan.js";
import type { PlanReview } from "../core/review.js";
import { routeByRules } from "../routing/index.js";
import { chooseAuthor } from "./choose-model.js";
import { askForJson } from "./model-caller.js";
import {
  planReviewerPrompt,
  plannerPrompt,
  repairPrompt,
  parsePlan,
  parsePlanReview,
} from "./role-io.js";
import type { RunContext } from "./step-context.js";
import { modelNamed } from "./step-context.js";
import { withMergeSteps } from "./merge-step.js";
import { planLimitsFor, planOverLimits } from "./plan-limits.js";

/** PLANNING: the planner writes (or revises) the plan; a failed answer is retried, then escalated. */
export async function handlePlanning(ctx: RunContext): Promise<void> {
  const { recorder, task } = ctx;
  const view = recorder.view;
  const round = view.planRound + 1;
  const recorded = recorder.findSinceStateEntry("plan.recorded", (b) => b.round === round);
  if (recorded) {
    await recorder.transition({ type: "PLAN_READY" });
    return;
  }
  const decision = chooseAuthor(
    ctx,
    { role: "planner", risk: task.risk, area: task.area },
    { attempt: round },
  );
  await recorder.record({
    type: "routing.decision",
    role: "planner",
    model: decision.model.name,
    reason: `${task.id} plan round ${round} -> ${decision.reason}`,
  });
  const prompt = { ...(await plannerPrompt(ctx, round)) };
  let lastError = "";
  let overLimits = false;
  for (let attempt = 1; attempt <= ctx.deps.config.quality.maxAttempts; attempt++) {
    const answer = await askForJson<Plan>(
      ctx,
      decision.model,
      {
        ...prompt,
        role: "planner",
        taskId: task.id,
        attempt: round,
        ...(overLimits ? { repair: true } : {}),
        mode: "text",
        cwd: ctx.workspace.worktree,
        signal: ctx.signal,
      },
      (text) => parsePlan(text, task.id),
      (previous, error) => repairPrompt(previous, error, "plan"),
      { risk: task.risk, area: task.area },
    );
    if (answer.ok) {
      const over = planOverLimits(answer.value, planLimitsFor(task, ctx.deps.config.models));
      if (over !== undefined) {
        if (await refusePlan(ctx, round, answer.value, answer.spec.name, over)) return;
        // Back to the planner once, with the reason; the next answer is checked again.
        const retry = repairPrompt(JSON.stringify(answer.value), over, "plan");
        prompt.system = retry.system;
        prompt.prompt = retry.prompt;
        overLimits = true;
        // Not a failed attempt: the limit allows one more answer, then a human decides.
        attempt -= 1;
        continue;
      }
      // The model that answered (a fallback may have stood in) is the plan's author.
      await recorder.record({
        type: "plan.recorded",
        // Dependencies that conflict are merged first, each in a step of its own.
        plan: withMergeSteps(answer.value, ctx.workspace.pendingMerges ?? []),
        author: answer.spec.name,
        round,
      });
      await recorder.transition({ type: "PLAN_READY" });
      return;
    }
    lastError = answer.error;
    // The provider failed after its retries and fallbacks: asking again would not help.
    if (answer.kind !== undefined) break;
  }
  await recorder.transition({
    type: "ESCALATE",
    reason: "model_error",
    detail: `planner: ${lastError}`,
  });
}

/**
 * Records a plan over the limits. The first refusal of a round sends it back to the planner
 * (returns false); a second one escalates to a human with `plan_too_large` (returns true).
 */
async function refusePlan(
  ctx: RunContext,
  round: number,
  plan: Plan,
  author: string,
  reason: string,
): Promise<boolean> {
  const { recorder } = ctx;
  const before = recorder.findSinceStateEntry("plan.refused", (b) => b.round === round);
  await recorder.record({
    type: "plan.refused",
    round,
    author,
    steps: plan.steps.length,
    reason,
  });
  if (before === undefined) return false;
  await recorder.transition({
    type: "ESCALATE",
    reason: "plan_too_large",
    detail: `${author} answered a plan over the limits twice: ${reason}`,
  });
  return true;
}

async function reviewPlan(
  ctx: RunContext,
  round: number,
): Promise<{ review: PlanReview; reviewer: string } | { error: string }> {
  const { recorder, task } = ctx;
  const recorded = recorder.findSinceStateEntry("plan.reviewed", (b) => b.round === round);
  if (recorded) return { review: recorded.review, reviewer: recorded.reviewer };
  const author = modelNamed(ctx, recorder.view.planAuthor ?? "");
  const decision = routeByRules(ctx.deps.config.models, {
    role: "plan_reviewer",
    risk: task.risk,
    area: task.area,
    ...(author ? { authorFamily: author.family } : {}),
  });
  await recorder.record({
    type: "routing.decision",
    role: "plan_reviewer",
    model: decision.model.name,
    reason: `${task.id} plan round ${round} -> ${decision.reason}`,
  });
  const answer = await askForJson<PlanReview>(
    ctx,
    decision.model,
    {
      ...planReviewerPrompt(ctx),
      role: "plan_reviewer",
      taskId: task.id,
      attempt: round,
      mode: "text",
      cwd: ctx.workspace.worktree,
      signal: ctx.signal,
    },
    parsePlanReview,
    (previous, error) => repairPrompt(previous, error, "plan_review"),
    { risk: task.risk, area: task.area, ...(author ? { authorFamily: author.family } : {}) },
  );
  if (!answer.ok) return { error: answer.error };
  await recorder.record({
    type: "plan.reviewed",
    review: answer.value,
    reviewer: answer.spec.name,
    round,
  });
  return { review: answer.value, reviewer: answer.spec.name };
}

/** PLAN_REVIEW: another family reviews the plan: approve, send back for revision, or reject. */
export async function handlePlanReview(ctx: RunContext): Promise<void> {
  const { recorder } = ctx;
  const round = recorder.view.planRound;
  const result = await reviewPlan(ctx, round);
  if ("error" in result) {
    await recorder.transition({
      type: "ESCALATE",
      reason: "model_error",
      detail: `plan reviewer: ${result.error}`,
    });
    return;
  }
  const { review, reviewer } = result;
  if (review.status === "approved") {
    await recorder.transition({ type: "PLAN_APPROVED" });
    return;
  }
  const findings = recorder.view.planFeedback ?? "";
  if (review.status === "rejected") {
    await recorder.transition({
      type: "ESCALATE",
      reason: "plan_rejected",
      detail: `plan rejected by ${reviewer}${findings ? `: ${findings.split("\n").slice(0, 3).join(" ")}` : ""}`,
    });
    return;
  }
  if (round > ctx.deps.config.quality.planReviewRounds) {
    await recorder.transition({
      type: "ESCALATE",
      reason: "plan_review_rounds_exhausted",
      detail: `plan still needs revision after ${round} rounds (${reviewer})`,
    });
    return;
  }
  await recorder.transition({ type: "PLAN_REVISION_REQUESTED" });
}
