/**
 * The engine's adapters to agents/: they gather what each role's prompt needs from the run
 * (task, worktree, plan, feedback) and turn answers into data. Prompt wording lives in
 * `templates/`, parsing rules in agents/; this file only wires them to the run context.
 */
import type { CodeReviewerInput, ExpectedAnswer, Feedback, TaskBrief } from "../agents/index.js";
import {
  gateCapabilities,
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
import type { Lesson } from "../core/lesson.js";
import type { Plan, PlanStep } from "../core/plan.js";
import type { Role } from "../core/task.js";
import { DEFAULT_MEMORY } from "../core/project-config.js";
import { recallLessons } from "../memory/index.js";
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

/**
 * Lessons of earlier tasks for one call, recorded as a `memory.recalled` event just before it.
 * None without a memory or with a zero budget; a failing memory never stops the task.
 */
async function lessonsFor(
  ctx: RunContext,
  role: Role,
  about: { text: string; files: readonly string[]; stepId?: string },
): Promise<Lesson[]> {
  const memory = ctx.deps.memory;
  const budget = (ctx.deps.config.models.memory ?? DEFAULT_MEMORY).tokenBudget;
  if (!memory || budget <= 0) return [];
  const stepId = about.stepId === undefined ? {} : { stepId: about.stepId };
  try {
    const recalled = await recallLessons(memory, {
      text: about.text,
      repository: ctx.task.repo,
      files: about.files,
      budgetTokens: budget,
      now: ctx.deps.clock.now(),
    });
    // Lessons of this very task are not news to it.
    const lessons = recalled.lessons.filter((l) => l.taskId !== ctx.task.id);
    await ctx.recorder.record({
      type: "memory.recalled",
      role,
      ...stepId,
      lessons: lessons.map((l) => ({ id: l.id, title: l.title })),
      source: recalled.source,
      ...(recalled.fallbackReason === undefined ? {} : { fallbackReason: recalled.fallbackReason }),
    });
    return lessons;
  } catch (error) {
    await ctx.recorder.record({
      type: "memory.recalled",
      role,
      ...stepId,
      lessons: [],
      source: memory.name,
      fallbackReason: `memory unavailable: ${error instanceof Error ? error.message : String(error)}`,
    });
    return [];
  }
}

function stepText(step: PlanStep): string {
  return `${step.type} ${step.description}`;
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
  const lessons = await lessonsFor(ctx, "planner", {
    text: `${ctx.task.area} ${ctx.task.goal}`,
    files: ctx.task.contextFiles,
  });
  return renderPlannerPrompt({
    lessons,
    task: taskBrief(ctx),
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

/** The task as prompts show it, with what the configured gate enforces of its constraints. */
function taskBrief(ctx: RunContext): TaskBrief {
  return { ...ctx.task, gate: gateCapabilities(ctx.deps.config.quality.checks.values()) };
}

/** The plan reviewer's prompt: the current plan, the task and the previous round's findings. */
export function planReviewerPrompt(ctx: RunContext): Prompt {
  const view = ctx.recorder.view;
  return renderPlanReviewerPrompt({
    task: taskBrief(ctx),
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
  const lessons = await lessonsFor(ctx, "implementer", {
    text: `${ctx.task.area} ${ctx.task.goal} ${stepText(step)}`,
    files: stepContextPaths(step),
    stepId: step.id,
  });
  return renderImplementerPrompt({
    lessons,
    task: taskBrief(ctx),
    plan: currentPlan(ctx),
    step,
    mode,
    files,
    feedback: implementerFeedback(ctx, feedback),
    attempt: stepState?.currentAttempt,
  });
}

/** The code reviewer's prompt for a step's change. */
export async function codeReviewerPrompt(
  ctx: RunContext,
  step: PlanStep,
  diff: string,
  summary: string,
  merge?: CodeReviewerInput["merge"],
): Promise<Prompt> {
  const stepState = ctx.recorder.view.steps.find((s) => s.id === step.id);
  const lessons = await lessonsFor(ctx, "code_reviewer", {
    text: `${ctx.task.area} ${ctx.task.goal} ${stepText(step)}`,
    files: [...step.files_to_modify, ...step.files_to_create],
    stepId: step.id,
  });
  return renderCodeReviewerPrompt({
    lessons,
    task: taskBrief(ctx),
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
