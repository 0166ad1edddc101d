import { z } from "zod";
import { IllegalTransitionError } from "./errors.js";
import { PlanStepSchema } from "./plan.js";

/** The seed's task states, plus FAILED (system failure) and ABORTED (user abort). */
export const TASK_STATES = [
  "NEW",
  "PLANNING",
  "PLAN_REVIEW",
  "PLANNED",
  "IMPLEMENTING",
  "CODE_REVIEW",
  "QUALITY_GATE",
  "STEP_COMPLETE",
  "DONE",
  "AWAITING_HUMAN_REVIEW",
  "FAILED",
  "ABORTED",
] as const;
export const TaskStateSchema = z.enum(TASK_STATES);
export type TaskState = z.infer<typeof TaskStateSchema>;

/** States after which nothing happens without a human. */
export const TERMINAL_STATES: ReadonlySet<TaskState> = new Set(["DONE", "FAILED", "ABORTED"]);

/** Why a task waits for a human. */
export const EscalationReasonSchema = z.enum([
  "plan_rejected",
  "plan_review_rounds_exhausted",
  "gate_failed",
  "review_rejected",
  "implementation_failed",
  "breaking_change",
  "timeout",
  "budget",
  "model_error",
  "merge_conflict",
  /** Commits recorded as done are gone from the task's branch (deleted or rewound). */
  "workspace_lost",
  /** The plan has more steps, or a step more files, than the limits allow (twice). */
  "plan_too_large",
]);
export type EscalationReason = z.infer<typeof EscalationReasonSchema>;

/** What the human decides on a task awaiting review (the seed's four options). */
export const HumanDecisionSchema = z.enum(["approve", "retry", "skip_step", "abort"]);
export type HumanDecision = z.infer<typeof HumanDecisionSchema>;

/** Inputs of the state machine. Each is recorded in the event log before it is applied. */
export const TaskEventSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("START_PLANNING") }),
  z.object({ type: z.literal("PLAN_READY") }),
  z.object({ type: z.literal("PLAN_REVISION_REQUESTED") }),
  z.object({ type: z.literal("PLAN_APPROVED") }),
  z.object({ type: z.literal("START_STEP"), stepId: z.string() }),
  z.object({ type: z.literal("IMPLEMENTATION_READY"), stepId: z.string() }),
  z.object({ type: z.literal("CHANGES_REQUESTED"), stepId: z.string() }),
  z.object({ type: z.literal("CODE_APPROVED"), stepId: z.string() }),
  z.object({ type: z.literal("GATE_FAILED"), stepId: z.string() }),
  z.object({ type: z.literal("GATE_PASSED"), stepId: z.string() }),
  z.object({ type: z.literal("ALL_STEPS_DONE") }),
  /** The worktree lost the current step's change (or holds another one): implement it again. */
  z.object({ type: z.literal("REDO_STEP"), stepId: z.string(), reason: z.string() }),
  z.object({
    type: z.literal("ESCALATE"),
    reason: EscalationReasonSchema,
    detail: z.string(),
  }),
  z.object({
    type: z.literal("HUMAN_DECISION"),
    decision: HumanDecisionSchema,
    /** What the task was escalated from; decides where approve/retry lead. */
    scope: z.enum(["plan", "step"]),
    feedback: z.string().optional(),
  }),
  /**
   * `land` found that a DONE task's branch conflicts with the branch it lands into (a merge or
   * a rebase onto its moved tip): `step` merges `sha` (that branch's tip) in, as a step of its
   * own, and the task runs again from PLANNED.
   */
  z.object({
    type: z.literal("BASE_MOVED"),
    branch: z.string(),
    sha: z.string(),
    step: PlanStepSchema,
  }),
  z.object({ type: z.literal("FAIL"), error: z.string() }),
  z.object({ type: z.literal("ABORT"), reason: z.string().optional() }),
]);
export type TaskEvent = z.infer<typeof TaskEventSchema>;
export type TaskEventType = TaskEvent["type"];

const ACTIVE: readonly TaskState[] = [
  "NEW",
  "PLANNING",
  "PLAN_REVIEW",
  "PLANNED",
  "IMPLEMENTING",
  "CODE_REVIEW",
  "QUALITY_GATE",
  "STEP_COMPLETE",
];

/**
 * The fixed table of simple transitions: (state, event type) -> next state. Events whose
 * target depends on their payload (HUMAN_DECISION) are handled in {@link transition}.
 */
const TABLE: Readonly<Partial<Record<TaskEventType, Partial<Record<TaskState, TaskState>>>>> = {
  START_PLANNING: { NEW: "PLANNING" },
  PLAN_READY: { PLANNING: "PLAN_REVIEW" },
  PLAN_REVISION_REQUESTED: { PLAN_REVIEW: "PLANNING" },
  PLAN_APPROVED: { PLAN_REVIEW: "PLANNED" },
  START_STEP: { PLANNED: "IMPLEMENTING", STEP_COMPLETE: "IMPLEMENTING" },
  IMPLEMENTATION_READY: { IMPLEMENTING: "CODE_REVIEW" },
  CHANGES_REQUESTED: { CODE_REVIEW: "IMPLEMENTING" },
  CODE_APPROVED: { CODE_REVIEW: "QUALITY_GATE" },
  GATE_FAILED: { QUALITY_GATE: "IMPLEMENTING" },
  GATE_PASSED: { QUALITY_GATE: "STEP_COMPLETE" },
  ALL_STEPS_DONE: { STEP_COMPLETE: "DONE", PLANNED: "DONE" },
  BASE_MOVED: { DONE: "PLANNED" },
  REDO_STEP: {
    IMPLEMENTING: "IMPLEMENTING",
    CODE_REVIEW: "IMPLEMENTING",
    QUALITY_GATE: "IMPLEMENTING",
    STEP_COMPLETE: "IMPLEMENTING",
  },
  ESCALATE: Object.fromEntries(
    ACTIVE.filter((s) => s !== "NEW").map((s) => [s, "AWAITING_HUMAN_REVIEW"]),
  ),
  FAIL: Object.fromEntries([...ACTIVE, "AWAITING_HUMAN_REVIEW" as const].map((s) => [s, "FAILED"])),
  ABORT: Object.fromEntries(
    [...ACTIVE, "AWAITING_HUMAN_REVIEW" as const, "FAILED" as const].map((s) => [s, "ABORTED"]),
  ),
};

const HUMAN_TARGETS: Readonly<Record<"plan" | "step", Record<HumanDecision, TaskState>>> = {
  // Approving a rejected plan accepts it; retry plans again; there is no step to skip yet.
  plan: {
    approve: "PLANNED",
    retry: "PLANNING",
    skip_step: "PLANNED",
    abort: "ABORTED",
  },
  // Approving a step accepts its current change; skipping completes it with no change.
  step: {
    approve: "STEP_COMPLETE",
    retry: "IMPLEMENTING",
    skip_step: "STEP_COMPLETE",
    abort: "ABORTED",
  },
};

/** The next state, or `undefined` when the event is not allowed in `state`. */
export function nextState(state: TaskState, event: TaskEvent): TaskState | undefined {
  if (event.type === "HUMAN_DECISION") {
    if (state !== "AWAITING_HUMAN_REVIEW") return undefined;
    if (event.scope === "plan" && event.decision === "skip_step") return undefined;
    return HUMAN_TARGETS[event.scope][event.decision];
  }
  return TABLE[event.type]?.[state];
}

/** The pure transition function: (state, event) -> state; throws on an illegal event. */
export function transition(state: TaskState, event: TaskEvent): TaskState {
  const next = nextState(state, event);
  if (next === undefined) throw new IllegalTransitionError(state, event.type);
  return next;
}
