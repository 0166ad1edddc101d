/**
 * The engine's adapters to agents/: they gather what each role's prompt needs from the run
 * (task, worktree, plan, feedback) and turn answers into data. Prompt wording lives in
 * `templates/`, parsing rules in agents/; this file only wires them to the run context.
 */
import type { CodeReviewerInput, ExpectedAnswer, Feedback } from "../agents/index.js";
import {
  collectContext,
  compactFileTree,
  readPolicyDocs,
  renderCodeReviewerPrompt,
  renderImplementerPrompt,
  renderPlannerPrompt,
  renderPlanReviewerPrompt,
  renderRepairPrompt,
  stepContextPaths,
} from "../agents/index.js";
import type { Plan, PlanStep } from "../core/plan.js";
import type { RunContext } from "./step-context.js";

export interface Prompt {
  readonly system: string;
  readonly prompt: string;
}

function currentPlan(ctx: RunContext): Plan {
  const plan = ctx.recorder.view.plan;
  if (!plan) throw new Error(`task ${ctx.task.id} has no plan yet`);
  return plan;
}

/** The planner's prompt for a round: the task, the worktree, context files, policies, findings. */
export async function plannerPrompt(ctx: RunContext, round: number): Promise<Prompt> {
  const root = ctx.workspace.worktree;
  const { quality } = ctx.deps.config;
  const view = ctx.recorder.view;
  const [status, tree, context, policies] = await Promise.all([
    ctx.deps.workspace.status(root),
    compactFileTree(root),
    collectContext({
      root,
      contextFiles: ctx.task.contextFiles,
      tokenBudget: quality.contextTokenBudget,
    }),
    readPolicyDocs(root, quality.policyDocs),
  ]);
  const feedback = view.planFeedback ?? "";
  const revise = round > 1 || feedback !== "";
  return renderPlannerPrompt({
    task: ctx.task,
    repository: { status, tree },
    context,
    policies,
    dependencies: (ctx.workspace.dependencies ?? []).map((d) => {
      const pending = ctx.workspace.pendingMerges?.find((p) => p.taskId === d.taskId);
      return { ...d, merged: pending === undefined, conflicts: pending?.conflicts ?? [] };
    }),
    ...(revise ? { revision: { round, previousPlan: view.plan, feedback } } : {}),
  });
}

/** The plan reviewer's prompt: the current plan, the task and the previous round's findings. */
export function planReviewerPrompt(ctx: RunContext): Prompt {
  const view = ctx.recorder.view;
  return renderPlanReviewerPrompt({
    task: ctx.task,
    plan: currentPlan(ctx),
    round: view.planRound,
    previousFindings: view.planRound > 1 ? view.planFeedback : undefined,
  });
}

/** Feedback for the implementer: what the view holds, or an edit error from the last round. */
function implementerFeedback(ctx: RunContext, feedback: string | undefined): Feedback[] {
  if (feedback === undefined || feedback.trim() === "") return [];
  const view = ctx.recorder.view;
  if (feedback !== view.pendingFeedback) return [{ source: "edit_errors", text: feedback }];
  return [{ source: view.pendingFeedbackSource ?? "previous_attempt", text: feedback }];
}

/** The implementer's prompt for one attempt at a step, with the step's files as they are now. */
export async function implementerPrompt(
  ctx: RunContext,
  step: PlanStep,
  mode: "text" | "agent",
  feedback?: string,
): Promise<Prompt> {
  const files = await collectContext({
    root: ctx.workspace.worktree,
    contextFiles: stepContextPaths(step),
    tokenBudget: ctx.deps.config.quality.contextTokenBudget,
  });
  const stepState = ctx.recorder.view.steps.find((s) => s.id === step.id);
  return renderImplementerPrompt({
    task: ctx.task,
    plan: currentPlan(ctx),
    step,
    mode,
    files,
    feedback: implementerFeedback(ctx, feedback),
    attempt: stepState?.currentAttempt,
  });
}

/** The code reviewer's prompt for a step's change. */
export function codeReviewerPrompt(
  ctx: RunContext,
  step: PlanStep,
  diff: string,
  summary: string,
  merge?: CodeReviewerInput["merge"],
): Prompt {
  const stepState = ctx.recorder.view.steps.find((s) => s.id === step.id);
  return renderCodeReviewerPrompt({
    task: ctx.task,
    plan: currentPlan(ctx),
    step,
    diff,
    summary,
    attempt: stepState?.currentAttempt,
    merge,
  });
}

/** Asks for a malformed answer again, quoting it and the validation error. */
export function repairPrompt(previous: string, error: string, kind: ExpectedAnswer): Prompt {
  return renderRepairPrompt({ previousAnswer: previous, error, expected: kind });
}

/** Answer parsers of the roles, under the names the handlers use. */
export {
  applyEditAnswer,
  parseCodeReviewAnswer as parseCodeReview,
  parsePlanAnswer as parsePlan,
  parsePlanReviewAnswer as parsePlanReview,
} from "../agents/index.js";
