import type { GateCheckResult, StoredEvent, TokenUsage } from "./events.js";
import type { Plan } from "./plan.js";
import type { EscalationReason, TaskState } from "./state-machine.js";

export type StepStatus = "pending" | "in_progress" | "committed" | "skipped";

export interface StepView {
  readonly id: string;
  readonly type: string;
  readonly description: string;
  status: StepStatus;
  /** Attempts since the step started or a human last asked for a retry (the limit applies to these). */
  attempts: number;
  /** Number of the latest attempt over the step's whole life; attempt numbers never repeat. */
  currentAttempt: number;
  commitSha?: string;
  lastGate?: { passed: boolean; checks: GateCheckResult[] };
}

export interface Escalation {
  readonly reason: EscalationReason;
  readonly detail: string;
  /** What a human decision applies to: the plan or the current step. */
  readonly scope: "plan" | "step";
  readonly at: number;
}

/** A task's state as derived from its events: nothing here is stored separately. */
export interface TaskView {
  readonly taskId: string;
  status: TaskState;
  plan?: Plan;
  planAuthor?: string;
  /** Plan rounds since planning (re)started; a revision is a new round. */
  planRound: number;
  steps: StepView[];
  currentStepId?: string | undefined;
  workspace?: { worktree: string; branch: string; baseSha: string };
  /** Steps added by `land` to merge a moved target branch in: step id -> the branch and commit. */
  baseMerges?: Record<string, { branch: string; sha: string }>;
  escalation?: Escalation | undefined;
  /** Feedback for the next attempt of the current step (review findings, gate report). */
  pendingFeedback?: string | undefined;
  /** Where {@link pendingFeedback} came from, so prompts can title it. */
  pendingFeedbackSource?: FeedbackOrigin | undefined;
  /** `step/attempt` whose code reviews {@link pendingFeedback} holds, to merge several. */
  reviewFeedbackOf?: string | undefined;
  /** Feedback for the next planning round (reviewer findings, human feedback). */
  planFeedback?: string | undefined;
  /** The author of the current step's last implementation attempt. */
  lastImplementer?: string | undefined;
  costUsd: number;
  tokens: TokenUsage;
  modelCalls: number;
  startedAt?: number;
  updatedAt?: number;
}

/** The origins of step feedback. */
export type FeedbackOrigin = "quality_gate" | "code_review" | "edit_errors" | "human";

export function emptyView(taskId: string): TaskView {
  return {
    taskId,
    status: "NEW",
    planRound: 0,
    steps: [],
    costUsd: 0,
    tokens: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 },
    modelCalls: 0,
  };
}

function stepOf(view: TaskView, stepId: string | undefined): StepView | undefined {
  return stepId === undefined ? undefined : view.steps.find((s) => s.id === stepId);
}

function applyPlan(view: TaskView, plan: Plan, author: string, round: number): void {
  view.plan = plan;
  view.planAuthor = author;
  view.planRound = round;
  view.steps = plan.steps.map((s) => ({
    id: s.id,
    type: s.type,
    description: s.description,
    status: "pending",
    attempts: 0,
    currentAttempt: 0,
  }));
}

function applyTransition(view: TaskView, e: StoredEvent & { body: { type: "transition" } }): void {
  const { event, to } = e.body;
  view.status = to;
  view.startedAt ??= e.at;
  switch (event.type) {
    case "START_STEP": {
      view.currentStepId = event.stepId;
      const step = stepOf(view, event.stepId);
      if (step) {
        step.status = "in_progress";
        step.attempts = 0;
      }
      view.pendingFeedback = undefined;
      break;
    }
    case "ESCALATE":
      view.escalation = {
        reason: event.reason,
        detail: event.detail,
        scope: view.currentStepId === undefined || !view.plan ? "plan" : "step",
        at: e.at,
      };
      break;
    case "HUMAN_DECISION": {
      view.escalation = undefined;
      if (event.scope === "plan" && event.decision === "retry") {
        view.planRound = 0;
        view.planFeedback = event.feedback;
      }
      const step = stepOf(view, view.currentStepId);
      if (event.scope === "step" && event.decision === "retry" && step) {
        step.attempts = 0;
        if (event.feedback !== undefined) {
          view.pendingFeedback = event.feedback;
          view.pendingFeedbackSource = "human";
        }
      }
      break;
    }
    case "PLAN_APPROVED":
      view.planFeedback = undefined;
      break;
    case "BASE_MOVED":
      if (view.plan) view.plan = { ...view.plan, steps: [...view.plan.steps, event.step] };
      view.steps.push({
        id: event.step.id,
        type: event.step.type,
        description: event.step.description,
        status: "pending",
        attempts: 0,
        currentAttempt: 0,
      });
      view.baseMerges = {
        ...view.baseMerges,
        [event.step.id]: { branch: event.branch, sha: event.sha },
      };
      break;
    default:
      break;
  }
}

/** Applies one event to a view, in place. Unknown-to-the-view events are ignored. */
export function applyEvent(view: TaskView, e: StoredEvent): TaskView {
  const body = e.body;
  view.updatedAt = e.at;
  switch (body.type) {
    case "transition":
      applyTransition(view, { ...e, body });
      break;
    case "workspace.created":
      view.workspace = { worktree: body.worktree, branch: body.branch, baseSha: body.baseSha };
      break;
    case "plan.recorded":
      applyPlan(view, body.plan, body.author, body.round);
      break;
    case "plan.reviewed":
      if (body.review.status !== "approved") {
        view.planFeedback = formatPlanFindings(body.review.review);
      }
      break;
    case "routing.decision":
      // A fallback that stands in for the implementer mid-attempt is the step's author.
      if (body.role === "implementer") view.lastImplementer = body.model;
      break;
    case "step.attempt": {
      const step = stepOf(view, body.stepId);
      if (step) {
        step.attempts += 1;
        step.currentAttempt = body.attempt;
      }
      view.lastImplementer = body.implementer;
      break;
    }
    case "gate.finished": {
      const step = stepOf(view, body.stepId);
      if (step) step.lastGate = { passed: body.passed, checks: body.checks };
      view.pendingFeedback = body.passed ? undefined : body.feedback;
      view.pendingFeedbackSource = body.passed ? undefined : "quality_gate";
      break;
    }
    case "code.reviewed":
      if (body.review.status !== "approved") {
        const changes = body.review.review.required_changes;
        const text =
          `Code review (${body.reviewer}) ${body.review.status}:\n` +
          changes.map((c) => `- ${c}`).join("\n");
        // Several reviewers of one attempt (min_reviews.code): their findings are merged.
        const key = `${body.stepId}/${body.attempt}`;
        const merge = view.pendingFeedbackSource === "code_review" && view.reviewFeedbackOf === key;
        view.pendingFeedback = merge ? `${view.pendingFeedback ?? ""}\n\n${text}` : text;
        view.pendingFeedbackSource = "code_review";
        view.reviewFeedbackOf = key;
      }
      break;
    case "implementation.recorded":
      if (!body.ok && body.error !== undefined) {
        view.pendingFeedback = body.error;
        view.pendingFeedbackSource = "edit_errors";
      }
      break;
    case "step.committed": {
      const step = stepOf(view, body.stepId);
      if (step) {
        step.status = body.skipped ? "skipped" : "committed";
        if (!body.skipped) step.commitSha = body.sha;
      }
      view.pendingFeedback = undefined;
      break;
    }
    case "model.call":
      view.costUsd += body.costUsd;
      view.modelCalls += 1;
      view.tokens = {
        input: view.tokens.input + body.usage.input,
        output: view.tokens.output + body.usage.output,
        cacheRead: view.tokens.cacheRead + body.usage.cacheRead,
        cacheWrite: view.tokens.cacheWrite + body.usage.cacheWrite,
      };
      break;
    default:
      break;
  }
  return view;
}

/** Folds a task's events, in log order, into its current view. */
export function projectTask(taskId: string, events: readonly StoredEvent[]): TaskView {
  const view = emptyView(taskId);
  for (const e of events) applyEvent(view, e);
  return view;
}

/** The plan reviewer's findings as feedback text for the planner. */
export function formatPlanFindings(review: {
  missing_steps: readonly string[];
  concerns: readonly string[];
  suggestions: readonly string[];
}): string {
  const section = (title: string, items: readonly string[]): string =>
    items.length === 0 ? "" : `${title}:\n${items.map((i) => `- ${i}`).join("\n")}\n`;
  return (
    section("Missing steps", review.missing_steps) +
    section("Concerns", review.concerns) +
    section("Suggestions", review.suggestions)
  ).trim();
}

/** The next step to work on: the first neither committed nor skipped. */
export function nextPendingStep(view: TaskView): StepView | undefined {
  return view.steps.find((s) => s.status === "pending" || s.status === "in_progress");
}
