import { z } from "zod";
import { GateCheckResultSchema, TokenUsageSchema } from "../core/events.js";
import { PlanSchema } from "../core/plan.js";
import { CodeReviewSchema, PlanReviewSchema } from "../core/review.js";
import type {
  FlowView,
  LiveEvent,
  ModelsView,
  Overview,
  QualityView,
  TaskDetail,
  TaskSummary,
} from "./api-types.js";

/**
 * Schemas of the dashboard API's answers, so the browser validates what it parses instead of
 * trusting a cast. Each is typed against its interface in api-types.ts: a field the interface
 * has and the schema lacks (or types differently) is a compile error.
 */

const nullableString = z.string().nullable();
const nullableNumber = z.number().nullable();

export const TaskSummarySchema: z.ZodType<TaskSummary> = z.object({
  id: z.string(),
  goal: z.string(),
  risk: z.string(),
  area: z.string(),
  state: z.string(),
  step: nullableString,
  stepPhase: nullableString,
  stepsDone: z.number(),
  stepsTotal: z.number(),
  costUsd: z.number(),
  reason: nullableString,
  updatedAt: nullableNumber,
});

const SpendWindowSchema = z.object({
  usd: z.number(),
  calls: z.number(),
  limitUsd: nullableNumber,
});

export const OverviewSchema: z.ZodType<Overview> = z.object({
  counts: z.record(z.string(), z.number()),
  tasks: z.array(TaskSummarySchema),
  costs: z.object({
    today: SpendWindowSchema,
    week: SpendWindowSchema,
    month: SpendWindowSchema,
    total: SpendWindowSchema,
    warnAt: z.number(),
  }),
  lastSeq: z.number(),
});

const CallSummarySchema = z.object({
  seq: z.number(),
  at: z.number(),
  role: z.string(),
  model: z.string(),
  modelId: z.string(),
  stepId: nullableString,
  attempt: nullableNumber,
  ok: z.boolean(),
  error: nullableString,
  usage: TokenUsageSchema,
  costUsd: z.number(),
  durationMs: z.number(),
  hasTranscript: z.boolean(),
});

const AttemptDetailSchema = z.object({
  attempt: z.number(),
  implementer: nullableString,
  feedback: nullableString,
  diff: nullableString,
  filesChanged: z.array(z.string()),
  summary: nullableString,
  error: nullableString,
  reviews: z.array(z.object({ reviewer: z.string(), review: CodeReviewSchema })),
  gate: z
    .object({
      level: z.string(),
      levelReason: nullableString,
      passed: z.boolean(),
      checks: z.array(GateCheckResultSchema),
      feedback: z.string(),
    })
    .nullable(),
});

const StepDetailSchema = z.object({
  id: z.string(),
  type: z.string(),
  description: z.string(),
  status: z.string(),
  attempts: z.array(AttemptDetailSchema),
  commit: z.object({ sha: z.string(), message: z.string(), skipped: z.boolean() }).nullable(),
});

export const TaskDetailSchema: z.ZodType<TaskDetail> = z.object({
  summary: TaskSummarySchema,
  branch: nullableString,
  escalation: z
    .object({
      reason: z.string(),
      detail: z.string(),
      scope: z.enum(["plan", "step"]),
      findings: z.string(),
    })
    .nullable(),
  plans: z.array(
    z.object({
      round: z.number(),
      author: z.string(),
      plan: PlanSchema,
      reviews: z.array(z.object({ reviewer: z.string(), review: PlanReviewSchema })),
    }),
  ),
  steps: z.array(StepDetailSchema),
  calls: z.array(CallSummarySchema),
  milestones: z.array(z.object({ at: z.number(), kind: z.string(), text: z.string() })),
  tokens: TokenUsageSchema,
  runLog: z.string(),
});

export const QualityViewSchema: z.ZodType<QualityView> = z.object({
  gateByDay: z.array(z.object({ day: z.string(), runs: z.number(), passed: z.number() })),
  topFailingTests: z.array(
    z.object({
      suite: z.string(),
      name: z.string(),
      failures: z.number(),
      lastMessage: nullableString,
    }),
  ),
  failingChecks: z.array(z.object({ name: z.string(), failures: z.number() })),
  trend: z.array(
    z.object({
      at: z.number(),
      taskId: z.string(),
      newWarnings: nullableNumber,
      coveragePct: nullableNumber,
    }),
  ),
});

const ReportGroupSchema = z.object({
  key: z.string(),
  usd: z.number(),
  calls: z.number(),
  tokens: TokenUsageSchema,
  durationMs: z.number(),
  attempts: z.number(),
  retries: z.number(),
  retryRate: nullableNumber,
  finished: z.number(),
  successes: z.number(),
  successRate: nullableNumber,
});

export const ModelsViewSchema: z.ZodType<ModelsView> = z.object({
  report: z.object({
    total: ReportGroupSchema,
    groups: z.array(ReportGroupSchema),
    baseline: z
      .object({
        actualUsd: z.number(),
        baselineUsd: z.number(),
        savedUsd: z.number(),
        savedFraction: nullableNumber,
        baselineModel: z.string(),
      })
      .nullable(),
  }),
  cells: z.array(
    z.object({
      model: z.string(),
      role: z.string(),
      risk: z.string(),
      area: z.string(),
      attempts: z.number(),
      successes: z.number(),
      successRate: nullableNumber,
      retries: z.number(),
      retryRate: nullableNumber,
    }),
  ),
  costPerDone: z.array(z.object({ model: z.string(), tasks: z.number(), avgUsd: z.number() })),
  latency: z.array(z.object({ model: z.string(), durationsMs: z.array(z.number()) })),
  routing: z.array(
    z.object({
      seq: z.number(),
      at: z.number(),
      taskId: z.string(),
      role: z.string(),
      model: z.string(),
      stepId: nullableString,
      reason: z.string(),
    }),
  ),
});

export const FlowViewSchema: z.ZodType<FlowView> = z.object({
  tasks: z.array(
    z.object({
      id: z.string(),
      state: z.string(),
      start: z.number(),
      end: z.number(),
      segments: z.array(
        z.object({
          phase: z.enum(["planning", "implementing", "review", "gate", "waiting", "other"]),
          state: z.string(),
          stepId: nullableString,
          start: z.number(),
          end: z.number(),
        }),
      ),
    }),
  ),
  now: z.number(),
});

export const LiveEventsSchema: z.ZodType<readonly LiveEvent[]> = z.array(
  z.object({ seq: z.number(), taskId: z.string(), type: z.string(), at: z.number() }),
);

/** The answer of `POST /api/tasks/:id/decision`. */
export const DecisionAnswerSchema = z.object({ state: z.string(), resumed: z.boolean() });
