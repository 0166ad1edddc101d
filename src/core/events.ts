import { z } from "zod";
import { PlanSchema } from "./plan.js";
import { PROVIDER_ERROR_KINDS } from "./provider-errors.js";
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
  /** Of `cacheWrite`, the tokens written to a 1-hour cache (Anthropic; priced at 2x input). */
  cacheWrite1h: z.number().int().nonnegative().optional(),
});
export type TokenUsage = z.infer<typeof TokenUsageSchema>;

const TestStatusOrAbsent = z.enum(["passed", "failed", "error", "skipped", "absent"]);

/** A test whose outcome blocks the gate. */
export const GateTestFindingSchema = z.object({
  suite: z.string(),
  name: z.string(),
  before: TestStatusOrAbsent,
  after: TestStatusOrAbsent,
  file: z.string().optional(),
  message: z.string().optional(),
  /** `file:line[:col]` of the failure. */
  location: z.string().optional(),
});
export type GateTestFinding = z.infer<typeof GateTestFindingSchema>;

/** A warning that blocks the gate under the check's policy. */
export const GateWarningFindingSchema = z.object({
  tool: z.string(),
  rule: z.string(),
  file: z.string(),
  line: z.number().int().nonnegative(),
  message: z.string(),
  /** Not in the baseline (false: it was there, but the policy forbids it). */
  isNew: z.boolean(),
});
export type GateWarningFinding = z.infer<typeof GateWarningFindingSchema>;

export const GateCoverageFindingSchema = z.object({
  baselinePct: z.number().nullable(),
  currentPct: z.number(),
  /** Percentage points lost; negative when coverage rose. */
  dropPct: z.number().nullable(),
  tolerancePct: z.number(),
  /** The task's `NN%+ test coverage`, when it applies to this run. */
  minPct: z.number().optional(),
  /** Files that lost coverage or gained uncovered lines, worst first. */
  files: z.array(
    z.object({
      file: z.string(),
      baselinePct: z.number().nullable(),
      currentPct: z.number(),
      newlyUncoveredLines: z.number().int(),
    }),
  ),
  /** Coverage of the changed lines; null when there was no diff to measure. */
  patch: z
    .object({
      pct: z.number(),
      covered: z.number().int().nonnegative(),
      total: z.number().int().nonnegative(),
      uncovered: z.array(z.object({ file: z.string(), lines: z.array(z.number().int()) })),
    })
    .nullable(),
  /** Why the coverage blocks, one line each; empty when it does not. */
  problems: z.array(z.string()),
});
export type GateCoverageFinding = z.infer<typeof GateCoverageFindingSchema>;

/** What a check with reports found, compared with the baseline. */
export const GateFindingsSchema = z.object({
  tests: z
    .object({
      regressions: z.array(GateTestFindingSchema),
      newFailures: z.array(GateTestFindingSchema),
      /** Failing at the baseline and still failing: reported, not blocking. */
      stillFailing: z.number().int().nonnegative(),
      total: z.number().int().nonnegative(),
    })
    .optional(),
  warnings: z
    .object({
      policy: z.enum(["no_new", "zero_in_touched", "zero"]),
      blocking: z.array(GateWarningFindingSchema),
      /** Count of warnings beyond the baseline's (blocking or not). */
      newCount: z.number().int().nonnegative(),
      total: z.number().int().nonnegative(),
    })
    .optional(),
  coverage: GateCoverageFindingSchema.optional(),
  /** Problems that are not a comparison: a missing report, an unexplained exit code. */
  errors: z.array(z.string()).default([]),
});
export type GateFindings = z.infer<typeof GateFindingsSchema>;

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
  kind: z.string().optional(),
  /** `related`: the SMALL level's command for the affected tests only. */
  mode: z.enum(["full", "related", "skipped"]).optional(),
  /** Compared with the baseline, for checks with reports. */
  findings: GateFindingsSchema.optional(),
});
export type GateCheckResult = z.infer<typeof GateCheckResultSchema>;

/** What the GitHub integration did for a task (docs/GITHUB.md). */
export const GITHUB_ACTIONS = [
  "issue_closed",
  "branch_pushed",
  "pr_opened",
  "pr_updated",
  "issue_commented",
  "command_accepted",
  "command_refused",
] as const;
export type GithubAction = (typeof GITHUB_ACTIONS)[number];

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
    /** Where `costUsd` came from: the vendor's own figure or the model's price table. */
    costSource: z.enum(["vendor", "prices"]).optional(),
    durationMs: z.number().nonnegative(),
    ok: z.boolean(),
    error: z.string().optional(),
    /** Why the call failed, as the resilience layer classified it (failed calls only). */
    errorKind: z.enum(PROVIDER_ERROR_KINDS).optional(),
    /** File holding the raw exchange (CLI output, response body, error output), when kept. */
    transcript: z.string().optional(),
  }),
  z.object({
    /**
     * A model call is still running: recorded at a steady interval (15 s by default) while
     * one runs longer than that, so a long call is never silent (docs/OBSERVABILITY.md).
     */
    type: z.literal("model.heartbeat"),
    role: RoleSchema,
    model: z.string(),
    stepId: z.string().optional(),
    attempt: z.number().int().positive().optional(),
    /** How long the call has been running. */
    elapsedMs: z.number().int().nonnegative(),
    /** The model's timeout (`timeout` in model_config.yaml); 0 when it has none. */
    timeoutMs: z.number().int().nonnegative(),
  }),
  z.object({
    type: z.literal("plan.recorded"),
    plan: PlanSchema,
    author: z.string(),
    round: z.number().int().positive(),
  }),
  z.object({
    /** A plan over the limits (max_plan_steps, files per step): sent back once, then escalated. */
    type: z.literal("plan.refused"),
    round: z.number().int().positive(),
    author: z.string(),
    steps: z.number().int().nonnegative(),
    reason: z.string(),
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
    /** sha256 of `diff`: what the worktree must still hold until the step is committed. */
    diffHash: z.string().optional(),
    summary: z.string(),
    error: z.string().optional(),
  }),
  z.object({
    type: z.literal("code.reviewed"),
    stepId: z.string(),
    attempt: z.number().int().positive(),
    review: CodeReviewSchema,
    reviewer: z.string(),
    /** sha256 of the diff the reviewer saw (docs/RESUME.md). */
    diffHash: z.string().optional(),
  }),
  z.object({
    type: z.literal("gate.finished"),
    stepId: z.string(),
    attempt: z.number().int().positive(),
    level: z.string(),
    passed: z.boolean(),
    checks: z.array(GateCheckResultSchema),
    feedback: z.string(),
    /** Why this level was chosen (the rule of docs/GATE.md that applied). */
    levelReason: z.string().optional(),
    /** A `breaking` check failed: the task goes to a human instead of another attempt. */
    breaking: z.boolean().optional(),
    /** The baseline commit the run was compared with. */
    baseSha: z.string().optional(),
  }),
  z.object({
    type: z.literal("gate.baseline"),
    /** The base commit the checks ran on. */
    sha: z.string(),
    /** Hash of the quality configuration the baseline was made with. */
    configHash: z.string(),
    /** The cache file holding the results. */
    file: z.string(),
    /** Checks the baseline now holds. */
    checks: z.array(z.string()),
    /** Checks run for this event (empty: everything came from the cache). */
    ran: z.array(z.string()),
    reused: z.boolean(),
    durationMs: z.number().nonnegative(),
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
  z.object({
    /** Lessons put into a prompt (docs/MEMORY.md); recorded just before the call they serve. */
    type: z.literal("memory.recalled"),
    role: RoleSchema,
    stepId: z.string().optional(),
    lessons: z.array(z.object({ id: z.string(), title: z.string() })),
    /** The memory that answered: `embedded` or `rae`. */
    source: z.string(),
    /** Set when the configured memory failed and the embedded one answered instead. */
    fallbackReason: z.string().optional(),
  }),
  z.object({
    /** Lessons distilled from this task and handed to the memory. */
    type: z.literal("memory.stored"),
    lessons: z.array(z.string()),
    backend: z.string(),
    /** Writes waiting for an unreachable remote memory (RAE) after this one. */
    queued: z.number().int().nonnegative(),
    delivered: z.number().int().nonnegative(),
    error: z.string().optional(),
  }),
  z.object({
    /** A webhook notification and how its delivery went (recorded after the last try). */
    type: z.literal("notification"),
    kind: z.enum(["awaiting_human", "budget_warning", "budget_limit", "batch_finished", "anomaly"]),
    /** Identifies what was notified, so it is sent once even across processes. */
    key: z.string(),
    /** The webhook's name (never its URL, which may hold a secret). */
    sink: z.string(),
    title: z.string(),
    ok: z.boolean(),
    attempts: z.number().int().positive(),
    /** The last HTTP status, or null when no answer came. */
    status: z.number().int().nullable(),
    error: z.string().optional(),
  }),
  z.object({
    type: z.literal("github"),
    action: z.enum(GITHUB_ACTIONS),
    issue: z.number().int().positive().optional(),
    pr: z.number().int().positive().optional(),
    /** The comment a human decision came from, or the comment the orchestrator wrote. */
    commentId: z.number().int().optional(),
    user: z.string().optional(),
    url: z.string().optional(),
    /** The pushed commit, the decision taken, or why a command was refused. */
    detail: z.string().optional(),
    /** When the escalation a comment answers was recorded (ms since the epoch). */
    escalationAt: z.number().optional(),
  }),
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
