import { describe, expect, it } from "vitest";
import { IllegalTransitionError } from "./errors.js";
import { TASK_STATES, nextState, transition } from "./state-machine.js";
import type { TaskEvent, TaskState } from "./state-machine.js";

const S1 = "S1";
/** One sample of every event kind (HUMAN_DECISION in each scope x decision). */
const EVENTS: Record<string, TaskEvent> = {
  START_PLANNING: { type: "START_PLANNING" },
  PLAN_READY: { type: "PLAN_READY" },
  PLAN_REVISION_REQUESTED: { type: "PLAN_REVISION_REQUESTED" },
  PLAN_APPROVED: { type: "PLAN_APPROVED" },
  START_STEP: { type: "START_STEP", stepId: S1 },
  IMPLEMENTATION_READY: { type: "IMPLEMENTATION_READY", stepId: S1 },
  CHANGES_REQUESTED: { type: "CHANGES_REQUESTED", stepId: S1 },
  CODE_APPROVED: { type: "CODE_APPROVED", stepId: S1 },
  GATE_FAILED: { type: "GATE_FAILED", stepId: S1 },
  GATE_PASSED: { type: "GATE_PASSED", stepId: S1 },
  ALL_STEPS_DONE: { type: "ALL_STEPS_DONE" },
  ESCALATE: { type: "ESCALATE", reason: "gate_failed", detail: "3 failures" },
  FAIL: { type: "FAIL", error: "disk full" },
  ABORT: { type: "ABORT" },
  BASE_MOVED: {
    type: "BASE_MOVED",
    branch: "develop",
    sha: "0123456789abcdef",
    step: {
      id: "land-merge-1",
      type: "merge",
      description: "merge develop",
      risk: "medium",
      estimated_complexity: "small",
      files_to_read: [],
      files_to_create: [],
      files_to_modify: ["a.txt"],
      tests_required: false,
      commands: [],
    },
  },
  "HUMAN plan approve": { type: "HUMAN_DECISION", scope: "plan", decision: "approve" },
  "HUMAN plan retry": { type: "HUMAN_DECISION", scope: "plan", decision: "retry" },
  "HUMAN plan skip_step": { type: "HUMAN_DECISION", scope: "plan", decision: "skip_step" },
  "HUMAN plan abort": { type: "HUMAN_DECISION", scope: "plan", decision: "abort" },
  "HUMAN step approve": { type: "HUMAN_DECISION", scope: "step", decision: "approve" },
  "HUMAN step retry": { type: "HUMAN_DECISION", scope: "step", decision: "retry" },
  "HUMAN step skip_step": { type: "HUMAN_DECISION", scope: "step", decision: "skip_step" },
  "HUMAN step abort": { type: "HUMAN_DECISION", scope: "step", decision: "abort" },
};

const WORKING: TaskState[] = [
  "PLANNING",
  "PLAN_REVIEW",
  "PLANNED",
  "IMPLEMENTING",
  "CODE_REVIEW",
  "QUALITY_GATE",
  "STEP_COMPLETE",
];

/** The whole legal relation, written out independently of the implementation's table. */
const LEGAL: [TaskState, string, TaskState][] = [
  ["NEW", "START_PLANNING", "PLANNING"],
  ["PLANNING", "PLAN_READY", "PLAN_REVIEW"],
  ["PLAN_REVIEW", "PLAN_REVISION_REQUESTED", "PLANNING"],
  ["PLAN_REVIEW", "PLAN_APPROVED", "PLANNED"],
  ["PLANNED", "START_STEP", "IMPLEMENTING"],
  ["STEP_COMPLETE", "START_STEP", "IMPLEMENTING"],
  ["IMPLEMENTING", "IMPLEMENTATION_READY", "CODE_REVIEW"],
  ["CODE_REVIEW", "CHANGES_REQUESTED", "IMPLEMENTING"],
  ["CODE_REVIEW", "CODE_APPROVED", "QUALITY_GATE"],
  ["QUALITY_GATE", "GATE_FAILED", "IMPLEMENTING"],
  ["QUALITY_GATE", "GATE_PASSED", "STEP_COMPLETE"],
  ["STEP_COMPLETE", "ALL_STEPS_DONE", "DONE"],
  ["PLANNED", "ALL_STEPS_DONE", "DONE"],
  ["DONE", "BASE_MOVED", "PLANNED"],
  ...WORKING.map((s): [TaskState, string, TaskState] => [s, "ESCALATE", "AWAITING_HUMAN_REVIEW"]),
  ...[...WORKING, "NEW" as const, "AWAITING_HUMAN_REVIEW" as const].map(
    (s): [TaskState, string, TaskState] => [s, "FAIL", "FAILED"],
  ),
  ...[...WORKING, "NEW" as const, "AWAITING_HUMAN_REVIEW" as const, "FAILED" as const].map(
    (s): [TaskState, string, TaskState] => [s, "ABORT", "ABORTED"],
  ),
  ["AWAITING_HUMAN_REVIEW", "HUMAN plan approve", "PLANNED"],
  ["AWAITING_HUMAN_REVIEW", "HUMAN plan retry", "PLANNING"],
  ["AWAITING_HUMAN_REVIEW", "HUMAN plan abort", "ABORTED"],
  ["AWAITING_HUMAN_REVIEW", "HUMAN step approve", "STEP_COMPLETE"],
  ["AWAITING_HUMAN_REVIEW", "HUMAN step retry", "IMPLEMENTING"],
  ["AWAITING_HUMAN_REVIEW", "HUMAN step skip_step", "STEP_COMPLETE"],
  ["AWAITING_HUMAN_REVIEW", "HUMAN step abort", "ABORTED"],
];

const legalKey = (s: string, e: string): string => `${s} + ${e}`;
const legalTargets = new Map(LEGAL.map(([s, e, t]) => [legalKey(s, e), t]));

describe("task state machine", () => {
  it.each(LEGAL)("%s --%s--> %s", (from, eventName, to) => {
    const event = EVENTS[eventName];
    expect(event).toBeDefined();
    expect(transition(from, event!)).toBe(to);
  });

  const illegal = TASK_STATES.flatMap((state) =>
    Object.keys(EVENTS)
      .filter((name) => !legalTargets.has(legalKey(state, name)))
      .map((name): [TaskState, string] => [state, name]),
  );

  it("refuses every other (state, event) pair", () => {
    // 12 states x 23 event samples, minus the legal ones.
    expect(illegal.length).toBe(TASK_STATES.length * Object.keys(EVENTS).length - LEGAL.length);
  });

  it.each(illegal)("refuses %s + %s", (state, eventName) => {
    const event = EVENTS[eventName]!;
    expect(nextState(state, event)).toBeUndefined();
    expect(() => transition(state, event)).toThrow(IllegalTransitionError);
  });

  it("names the state and the event when it refuses", () => {
    expect(() => transition("DONE", { type: "START_PLANNING" })).toThrow(
      "event START_PLANNING is not allowed in state DONE",
    );
  });

  it("keeps terminal states terminal except that a failed task can be aborted and a DONE one reopened to land", () => {
    for (const name of Object.keys(EVENTS)) {
      if (name !== "BASE_MOVED") expect(nextState("DONE", EVENTS[name]!)).toBeUndefined();
      expect(nextState("ABORTED", EVENTS[name]!)).toBeUndefined();
    }
  });
});
