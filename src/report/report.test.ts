import { describe, expect, it } from "vitest";
import { codeReview as review, EventLogBuilder } from "../../test/support/event-fixtures.js";
import { modelsConfigFromRaw } from "../config/index.js";
import { UserError } from "../core/errors.js";
import { PlanSchema } from "../core/plan.js";
import type { ModelSpec, ModelsConfig } from "../core/project-config.js";
import { buildReport, emptyReport, outcomesBy, pickBaseline } from "./report.js";

const plan = PlanSchema.parse({
  task_id: "T1",
  steps: [{ id: "S1", type: "implementation", description: "code", risk: "low" }],
});

/** One implementer attempt on S1 of `task`: its call, the code review and (if approved) the gate. */
function attempt(
  log: EventLogBuilder,
  task: string,
  n: number,
  model: string,
  outcome: "rejected" | "gate-failed" | "passed",
  at = n,
): EventLogBuilder {
  log
    .add(task, at, { type: "step.attempt", stepId: "S1", attempt: n, implementer: model })
    .call(task, at, { role: "implementer", model, stepId: "S1", attempt: n, costUsd: 0.1 })
    .add(task, at, {
      type: "code.reviewed",
      stepId: "S1",
      attempt: n,
      reviewer: "claude_sonnet",
      review: review(outcome === "rejected" ? "needs_changes" : "approved"),
    });
  if (outcome === "rejected") return log;
  return log.add(task, at, {
    type: "gate.finished",
    stepId: "S1",
    attempt: n,
    level: "SMALL",
    passed: outcome === "passed",
    checks: [],
    feedback: "",
  });
}

function twoTasks(): EventLogBuilder {
  const log = new EventLogBuilder().task("T1", 0, { area: "core", risk: "low" });
  log.add("T1", 0, { type: "plan.recorded", plan, author: "claude_sonnet", round: 1 });
  log.add("T1", 0, {
    type: "plan.reviewed",
    review: { status: "approved", review: { missing_steps: [], concerns: [], suggestions: [] } },
    reviewer: "gemini_pro",
    round: 1,
  });
  attempt(log, "T1", 1, "gemini_flash", "rejected");
  attempt(log, "T1", 2, "gemini_flash", "gate-failed");
  attempt(log, "T1", 3, "gemini_pro", "passed");
  log.task("T2", 10, { area: "docs", risk: "low" });
  attempt(log, "T2", 1, "gemini_flash", "passed", 11);
  return log;
}

describe("outcomesBy", () => {
  it("counts author attempts, retries and successes per model; reviewers author nothing", () => {
    const byModel = outcomesBy(twoTasks().events, "model", undefined);
    // gemini_flash: T1 attempts 1 and 2 (2 a retry) failed, T2 attempt 1 passed.
    expect(byModel.get("gemini_flash")).toEqual({
      started: 3,
      retries: 1,
      finished: 3,
      successes: 1,
    });
    expect(byModel.get("gemini_pro")).toEqual({
      started: 1,
      retries: 1,
      finished: 1,
      successes: 1,
    });
    // The plan: one round, approved.
    expect(byModel.get("claude_sonnet")).toEqual({
      started: 1,
      retries: 0,
      finished: 1,
      successes: 1,
    });
    expect(byModel.has("gemini_pro_reviewer")).toBe(false);
  });

  it("groups by area and by task, and counts only attempts started since a time", () => {
    const log = twoTasks().events;
    expect(outcomesBy(log, "area", undefined).get("docs")).toEqual({
      started: 1,
      retries: 0,
      finished: 1,
      successes: 1,
    });
    expect(outcomesBy(log, "task", undefined).get("T1")?.started).toBe(4);
    const since = outcomesBy(log, "task", 10);
    expect([...since.keys()]).toEqual(["T2"]);
  });
});

const config = modelsConfigFromRaw();
const flashSpec = config.models.get("gemini_flash")!;
const spec = (name: string, tier: ModelSpec["tier"]): ModelSpec => ({ ...flashSpec, name, tier });
const models = (...specs: ModelSpec[]): ModelsConfig => ({
  ...config,
  models: new Map(specs.map((m) => [m.name, m])),
});

describe("pickBaseline", () => {
  it("takes --baseline, else claude_sonnet, else the first strongest model", () => {
    const cheap = spec("flash", "cheap");
    const strong = spec("big", "strong");
    const sonnet = spec("claude_sonnet", "medium");
    expect(pickBaseline(models(cheap, strong), "flash")).toBe(cheap);
    expect(pickBaseline(models(cheap, strong, sonnet), undefined)).toBe(sonnet);
    expect(pickBaseline(models(cheap, strong), undefined)).toBe(strong);
    expect(() => pickBaseline(models(cheap), "nope")).toThrow(UserError);
    expect(() => pickBaseline(models(), undefined)).toThrow(/no models configured/);
  });
});

describe("buildReport", () => {
  it("joins spend from the ledger with the outcome rates, per group and in total", () => {
    const report = buildReport(twoTasks().events, { by: "model", baseline: spec("big", "strong") });
    const flash = report.groups.find((g) => g.key === "gemini_flash");
    expect(flash).toMatchObject({ calls: 3, attempts: 3, retries: 1, finished: 3, successes: 1 });
    expect(flash?.usd).toBeCloseTo(0.3, 10);
    expect(flash?.successRate).toBeCloseTo(1 / 3, 10);
    expect(flash?.retryRate).toBeCloseTo(1 / 3, 10);
    expect(report.total).toMatchObject({ calls: 4, attempts: 5, retries: 2, successes: 3 });
    expect(report.groups.map((g) => g.key)).toEqual([
      "claude_sonnet",
      "gemini_flash",
      "gemini_pro",
    ]);
    expect(report.since).toBeNull();
  });

  it("has zero totals, no groups and no baseline with no runs", () => {
    expect(emptyReport("role", 0)).toMatchObject({
      since: "1970-01-01T00:00:00.000Z",
      by: "role",
      groups: [],
      baseline: null,
      total: { calls: 0, attempts: 0, successRate: null },
    });
  });
});
