import { z } from "zod";
import { PlanSchema } from "./plan.js";
import { CodeReviewSchema, PlanReviewSchema } from "./review.js";
import { TaskEventSchema, TaskStateSchema } from "./state-machine.js";
import { RoleSchema, TaskSchema } from "./task.js";

/** Version of the event payload shapes below; stored with every event. */
export const EVENT_SCHEMA_VERSION = 1;

export const TokenUsageSchema = z.object({
  /** Input tokens NOT served from cache (normalised across vendors). */
  input: z.number().int().nonnegative(),
  output: z.number().int().nonnegative(),
  cacheRead: z.number().int().nonnegative().default(0),
  cacheWrite: z.number().int().nonnegative().default(0),
});
export type TokenUsage = z.infer<typeof TokenUsageSchema>;

export const GateCheckResultSchema = z.object({
  name: z.string(),
  passed: z.boolean(),
  exitCode: z.number().int().nullable(),
  timedOut: z.boolean().default(false),
  durationMs: z.number().nonnegative(),
  /** Condensed failure output: failing test names, first error lines. */
  summary: z.string().default(""),
  /** Where the full log was written, when it was kept on disk. */
  logFile: z.string().optional(),
});
export type GateCheckResult = z.infer<typeof GateCheckResultSchema>;

/** Everything the event log records, by `type`. Payloads are validated on read and write. */
export const EventBodySchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("task.registered"), task: TaskSchema }),
  z.object({
    type: z.literal("transition"),
    event: TaskEventSchema,
    from: TaskStateSchema,
    to: TaskStateSchema,
  }),
  z.object({
    type: z.literal("workspace.created"),
    worktree: z.string(),
    branch: z.string(),
    baseSha: z.string(),
  }),
  z.object({
    type: z.literal("routing.decision"),
    role: RoleSchema,
    model: z.string(),
    stepId: z.string().optional(),
    reason: z.string(),
  }),
  z.object({
    type: z.literal("model.call"),
    role: RoleSchema,
    model: z.string(),
    provider: z.string(),
    modelId: z.string(),
    family: z.string(),
    stepId: z.string().optional(),
    attempt: z.number().int().positive().optional(),
    prompt: z.string(),
    response: z.string(),
    usage: TokenUsageSchema,
    costUsd: z.number().nonnegative(),
    durationMs: z.number().nonnegative(),
    ok: z.boolean(),
    error: z.string().optional(),
  }),
  z.object({
    type: z.literal("plan.recorded"),
    plan: PlanSchema,
    author: z.string(),
    round: z.number().int().positive(),
  }),
  z.object({
    type: z.literal("plan.reviewed"),
    review: PlanReviewSchema,
    reviewer: z.string(),
    round: z.number().int().positive(),
  }),
  z.object({
    type: z.literal("step.attempt"),
    stepId: z.string(),
    attempt: z.number().int().positive(),
    implementer: z.string(),
    feedback: z.string().optional(),
  }),
  z.object({
    type: z.literal("implementation.recorded"),
    stepId: z.string(),
    attempt: z.number().int().positive(),
    ok: z.boolean(),
    filesChanged: z.array(z.string()),
    diff: z.string(),
    summary: z.string(),
    error: z.string().optional(),
  }),
  z.object({
    type: z.literal("code.reviewed"),
    stepId: z.string(),
    attempt: z.number().int().positive(),
    review: CodeReviewSchema,
    reviewer: z.string(),
  }),
  z.object({
    type: z.literal("gate.finished"),
    stepId: z.string(),
    attempt: z.number().int().positive(),
    level: z.string(),
    passed: z.boolean(),
    checks: z.array(GateCheckResultSchema),
    feedback: z.string(),
  }),
  z.object({
    type: z.literal("effect.started"),
    effect: z.string(),
    key: z.string(),
  }),
  z.object({
    type: z.literal("effect.finished"),
    effect: z.string(),
    key: z.string(),
    result: z.string().optional(),
  }),
  z.object({
    type: z.literal("step.committed"),
    stepId: z.string(),
    sha: z.string(),
    message: z.string(),
    skipped: z.boolean().default(false),
  }),
  z.object({ type: z.literal("note"), level: z.enum(["info", "warn"]), message: z.string() }),
]);
export type EventBody = z.infer<typeof EventBodySchema>;
export type EventType = EventBody["type"];

/** An event as read back from the store. */
export interface StoredEvent {
  /** Position in the whole log; strictly increasing. */
  readonly seq: number;
  readonly taskId: string;
  readonly runId: string | null;
  /** Milliseconds since the epoch. */
  readonly at: number;
  readonly body: EventBody;
}
