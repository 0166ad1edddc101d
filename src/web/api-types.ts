import type { GateCheckResult, TokenUsage } from "../core/events.js";
import type { Plan } from "../core/plan.js";
import type { CodeReview, PlanReview } from "../core/review.js";
import type { Savings } from "../costs/index.js";
import type { ReportGroup } from "../report/report.js";

/**
 * The JSON the dashboard's API answers with. Every shape is computed from the event log alone
 * (plus the task definitions and the budgets of model_config.yaml); the front end imports these
 * types, so the two sides cannot drift apart.
 */

/** One task as the overview lists it. */
export interface TaskSummary {
  readonly id: string;
  readonly goal: string;
  readonly risk: string;
  readonly area: string;
  readonly state: string;
  readonly step: string | null;
  /** What the current step is doing: its state while running. */
  readonly stepPhase: string | null;
  readonly stepsDone: number;
  readonly stepsTotal: number;
  readonly costUsd: number;
  /** Why a human is needed, when the task waits for one. */
  readonly reason: string | null;
  readonly updatedAt: number | null;
}

export interface SpendWindow {
  readonly usd: number;
  readonly calls: number;
  /** The configured limit for the window, when there is one. */
  readonly limitUsd: number | null;
}

export interface Overview {
  readonly counts: Readonly<Record<string, number>>;
  /** Tasks awaiting a human first, then running ones, then the rest by last activity. */
  readonly tasks: readonly TaskSummary[];
  readonly costs: {
    readonly today: SpendWindow;
    readonly week: SpendWindow;
    readonly month: SpendWindow;
    readonly total: SpendWindow;
    readonly warnAt: number;
  };
  /** Highest event sequence number seen; the live stream continues from it. */
  readonly lastSeq: number;
}

export interface CallSummary {
  readonly seq: number;
  readonly at: number;
  readonly role: string;
  readonly model: string;
  readonly modelId: string;
  readonly stepId: string | null;
  readonly attempt: number | null;
  readonly ok: boolean;
  readonly error: string | null;
  readonly usage: TokenUsage;
  readonly costUsd: number;
  readonly durationMs: number;
  /** Whether a transcript file was kept; fetch it from `/api/tasks/:id/calls/:seq/transcript`. */
  readonly hasTranscript: boolean;
}

export interface AttemptDetail {
  readonly attempt: number;
  readonly implementer: string | null;
  readonly feedback: string | null;
  readonly diff: string | null;
  readonly filesChanged: readonly string[];
  readonly summary: string | null;
  readonly error: string | null;
  readonly reviews: readonly { readonly reviewer: string; readonly review: CodeReview }[];
  readonly gate: {
    readonly level: string;
    readonly levelReason: string | null;
    readonly passed: boolean;
    readonly checks: readonly GateCheckResult[];
    readonly feedback: string;
  } | null;
}

export interface StepDetail {
  readonly id: string;
  readonly type: string;
  readonly description: string;
  readonly status: string;
  readonly attempts: readonly AttemptDetail[];
  readonly commit: {
    readonly sha: string;
    readonly message: string;
    readonly skipped: boolean;
  } | null;
}

export interface TaskDetail {
  readonly summary: TaskSummary;
  readonly branch: string | null;
  readonly escalation: {
    readonly reason: string;
    readonly detail: string;
    readonly scope: "plan" | "step";
    readonly findings: string;
  } | null;
  readonly plans: readonly {
    readonly round: number;
    readonly author: string;
    readonly plan: Plan;
    readonly reviews: readonly { readonly reviewer: string; readonly review: PlanReview }[];
  }[];
  readonly steps: readonly StepDetail[];
  readonly calls: readonly CallSummary[];
  readonly milestones: readonly {
    readonly at: number;
    readonly kind: string;
    readonly text: string;
  }[];
  readonly tokens: TokenUsage;
  /** The Markdown run log of the task, as `orchestrator log TASK` prints it. */
  readonly runLog: string;
}

export interface QualityView {
  /** Gate runs per UTC day. */
  readonly gateByDay: readonly {
    readonly day: string;
    readonly runs: number;
    readonly passed: number;
  }[];
  readonly topFailingTests: readonly {
    readonly suite: string;
    readonly name: string;
    readonly failures: number;
    readonly lastMessage: string | null;
  }[];
  readonly failingChecks: readonly { readonly name: string; readonly failures: number }[];
  /** One point per gate run with warnings or coverage findings, in time order. */
  readonly trend: readonly {
    readonly at: number;
    readonly taskId: string;
    readonly newWarnings: number | null;
    readonly coveragePct: number | null;
  }[];
}

export interface ModelCell {
  readonly model: string;
  readonly role: string;
  readonly risk: string;
  readonly area: string;
  readonly attempts: number;
  readonly successes: number;
  readonly successRate: number | null;
  /** Attempts after the first of their step (author roles only). */
  readonly retries: number;
  readonly retryRate: number | null;
}

export interface ModelsView {
  /** `orchestrator report --by model` (all time), the same numbers. */
  readonly report: {
    readonly total: ReportGroup;
    readonly groups: readonly ReportGroup[];
    readonly baseline: Savings | null;
  };
  readonly cells: readonly ModelCell[];
  /** DONE tasks by the model that implemented most of their attempts. */
  readonly costPerDone: readonly {
    readonly model: string;
    readonly tasks: number;
    readonly avgUsd: number;
  }[];
  /** Call durations in milliseconds per model, for latency distributions. */
  readonly latency: readonly { readonly model: string; readonly durationsMs: readonly number[] }[];
  readonly routing: readonly {
    readonly seq: number;
    readonly at: number;
    readonly taskId: string;
    readonly role: string;
    readonly model: string;
    readonly stepId: string | null;
    readonly reason: string;
  }[];
}

export type FlowPhase = "planning" | "implementing" | "review" | "gate" | "waiting" | "other";

export interface FlowView {
  readonly tasks: readonly {
    readonly id: string;
    readonly state: string;
    readonly start: number;
    readonly end: number;
    readonly segments: readonly {
      readonly phase: FlowPhase;
      readonly state: string;
      readonly stepId: string | null;
      readonly start: number;
      readonly end: number;
    }[];
  }[];
  /** The time the open segments end at (now, for running tasks). */
  readonly now: number;
}

/** What the live stream sends for each new event. */
export interface LiveEvent {
  readonly seq: number;
  readonly taskId: string;
  readonly type: string;
  readonly at: number;
}

export type ReviewDecisionInput = "approve" | "retry" | "skip" | "abort";
