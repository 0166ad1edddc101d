import { describe, expect, it } from "vitest";
import { codeReview as review, EventLogBuilder } from "../../test/support/event-fixtures.js";
import { PlanSchema } from "../core/plan.js";
import { routingHistory } from "./history.js";

const plan = PlanSchema.parse({
  task_id: "T1",
  steps: [
    { id: "S1", type: "testing", description: "tests", risk: "low" },
    { id: "S2", type: "implementation", description: "code", risk: "high" },
  ],
});

function attempt(
  log: EventLogBuilder,
  stepId: string,
  n: number,
  implementer: string,
  costUsd: number,
): EventLogBuilder {
  return (
    log
      .add("T1", 0, { type: "step.attempt", stepId, attempt: n, implementer })
      .call("T1", 0, {
        role: "implementer",
        model: implementer,
        stepId,
        attempt: n,
        costUsd,
        durationMs: 100,
        usage: { input: 10 },
      })
      // The reviewer's call is not the implementer's cost.
      .call("T1", 0, {
        role: "code_reviewer",
        model: "claude_sonnet",
        stepId,
        attempt: n,
        costUsd: 9,
      })
  );
}

function gate(log: EventLogBuilder, stepId: string, n: number, passed: boolean): EventLogBuilder {
  return log.add("T1", 0, {
    type: "gate.finished",
    stepId,
    attempt: n,
    level: "SMALL",
    passed,
    checks: [],
    feedback: "",
  });
}

function taskLog(): EventLogBuilder {
  const log = new EventLogBuilder()
    .task("T1", 0, { area: "services", risk: "medium" })
    .call("T1", 0, { role: "planner", model: "claude_sonnet", costUsd: 0.5 })
    .add("T1", 0, { type: "plan.recorded", plan, author: "claude_sonnet", round: 1 })
    .add("T1", 0, {
      type: "plan.reviewed",
      review: { status: "approved", review: { missing_steps: [], concerns: [], suggestions: [] } },
      reviewer: "gemini_pro",
      round: 1,
    });
  // S1: flash's change is sent back by the reviewer; pro's passes review and gate.
  attempt(log, "S1", 1, "gemini_flash", 0.01).add("T1", 0, {
    type: "code.reviewed",
    stepId: "S1",
    attempt: 1,
    review: review("needs_changes"),
    reviewer: "claude_sonnet",
  });
  attempt(log, "S1", 2, "gemini_pro", 0.05).add("T1", 0, {
    type: "code.reviewed",
    stepId: "S1",
    attempt: 2,
    review: review("approved"),
    reviewer: "claude_sonnet",
  });
  gate(log, "S1", 2, true);
  // S2: approved but the gate fails; then an edit that does not apply; then one in flight.
  attempt(log, "S2", 1, "claude_sonnet", 0.2).add("T1", 0, {
    type: "code.reviewed",
    stepId: "S2",
    attempt: 1,
    review: review("approved"),
    reviewer: "gemini_pro",
  });
  gate(log, "S2", 1, false);
  attempt(log, "S2", 2, "claude_sonnet", 0.3).add("T1", 0, {
    type: "implementation.recorded",
    stepId: "S2",
    attempt: 2,
    ok: false,
    filesChanged: [],
    diff: "",
    summary: "",
    error: "edit did not apply",
  });
  return attempt(log, "S2", 3, "claude_sonnet", 0.4);
}

describe("routingHistory", () => {
  const history = routingHistory(taskLog().events);

  it("counts an implementer attempt as a success only when review and gate both passed", () => {
    expect(history.stats("implementer", "gemini_flash", "services", "low")).toMatchObject({
      attempts: 1,
      successes: 0,
    });
    expect(history.stats("implementer", "gemini_pro", "services", "low", "testing")).toMatchObject({
      attempts: 1,
      successes: 1,
      costUsd: 0.05,
      durationMs: 100,
    });
    // A gate failure and an edit that did not apply; the third attempt is still in flight.
    expect(history.stats("implementer", "claude_sonnet", "services", "high")).toMatchObject({
      attempts: 2,
      successes: 0,
    });
    expect(history.stats("implementer", "claude_sonnet", "services", "high").costUsd).toBeCloseTo(
      0.5,
      10,
    );
  });

  it("uses the step's own risk and type, and the task's area", () => {
    expect(history.stats("implementer", "gemini_pro", "services", "medium").attempts).toBe(0);
    expect(
      history.stats("implementer", "gemini_pro", "services", "low", "implementation").attempts,
    ).toBe(0);
    expect(history.groupStats("implementer", "services", "low").attempts).toBe(2);
    expect(history.groupStats("implementer", "services", "low").tokens.input).toBe(20);
  });

  it("measures planners by the plan review, with their calls' cost", () => {
    expect(history.stats("planner", "claude_sonnet", "services", "medium", "plan")).toMatchObject({
      attempts: 1,
      successes: 1,
      costUsd: 0.5,
    });
  });

  it("measures code reviewers by approvals and leaks (approved, then failed by the gate)", () => {
    const roles = new Set(history.cells().map((c) => c.key.role));
    expect([...roles].sort()).toEqual(["code_reviewer", "implementer", "planner"]);
    // Sonnet sent flash's change back and approved pro's, which passed the gate.
    expect(history.stats("code_reviewer", "claude_sonnet", "services", "low")).toMatchObject({
      attempts: 2,
      successes: 1,
      leaks: 0,
    });
    // Pro approved Sonnet's change and the gate failed it: a leak, for both of them.
    expect(history.stats("code_reviewer", "gemini_pro", "services", "high")).toMatchObject({
      attempts: 1,
      successes: 1,
      leaks: 1,
    });
    expect(history.stats("implementer", "claude_sonnet", "services", "high").leaks).toBe(1);
  });

  it("counts a rejected plan as the planner's failure", () => {
    const log = new EventLogBuilder()
      .task("T1", 0, { area: "core", risk: "high" })
      .add("T1", 0, { type: "plan.recorded", plan, author: "gemini_pro", round: 1 })
      .add("T1", 0, {
        type: "plan.reviewed",
        review: {
          status: "needs_revision",
          review: { missing_steps: ["x"], concerns: [], suggestions: [] },
        },
        reviewer: "claude_sonnet",
        round: 1,
      });
    expect(routingHistory(log.events).stats("planner", "gemini_pro", "core", "high")).toMatchObject(
      { attempts: 1, successes: 0 },
    );
  });

  it("keeps what each code review cost, for pricing the review an author's work will get", () => {
    // Two reviews of S1 by Sonnet, at $9 each in the fixture.
    const sonnet = history.stats("code_reviewer", "claude_sonnet", "services", "low");
    expect(sonnet.costUsd).toBe(18);
    expect(history.groupStats("code_reviewer", "services", "low").costUsd).toBe(18);
  });

  it("adds two histories together without changing either", () => {
    const other = routingHistory(taskLog().events);
    const both = history.plus(other);
    expect(both.stats("implementer", "gemini_pro", "services", "low")).toMatchObject({
      attempts: 2,
      successes: 2,
      costUsd: 0.1,
    });
    expect(both.groupStats("implementer", "services", "low").attempts).toBe(4);
    expect(both.riskStats("code_reviewer", "gemini_pro", "high").leaks).toBe(2);
    expect(history.stats("implementer", "gemini_pro", "services", "low").attempts).toBe(1);
  });
});
