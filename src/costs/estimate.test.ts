import { describe, expect, it } from "vitest";
import { PlanSchema } from "../core/plan.js";
import type { ModelSpec, Prices, Tier } from "../core/project-config.js";
import type { Role } from "../core/task.js";
import { costHistory, estimateTask, quantile, sumEstimates } from "./estimate.js";
import { EventLogBuilder } from "../../test/support/event-fixtures.js";

function model(name: string, tier: Tier, price: Prices): ModelSpec {
  return {
    name,
    provider: "scripted",
    model: name,
    family: name,
    tier,
    price,
    args: [],
    env: {},
    timeoutMs: 1,
  };
}
const sonnet = model("claude_sonnet", "strong", {
  input: 3,
  output: 15,
  cacheRead: 0.3,
  cacheWrite: 3.75,
});
const pro = model("gemini_pro", "medium", {
  input: 1.25,
  output: 10,
  cacheRead: 0.31,
  cacheWrite: 0,
});
const flash = model("gemini_flash", "cheap", {
  input: 0.3,
  output: 2.5,
  cacheRead: 0.075,
  cacheWrite: 0,
});
const models = new Map([sonnet, pro, flash].map((m) => [m.name, m]));
const roles: Record<Role, ModelSpec> = {
  planner: sonnet,
  plan_reviewer: pro,
  implementer: flash,
  code_reviewer: sonnet,
};

describe("estimateTask", () => {
  const empty = costHistory([], models);

  it("uses the seed's defaults without history: 2k in / 1k out (500 for reviewers), 3-8 steps", () => {
    const e = estimateTask({ models: roles }, empty);
    // Planning 0.021 + 0.0075 once; per step flash 0.0031 + sonnet review 0.0135, 3 steps.
    expect(e.low).toBeCloseTo(0.0285 + 3 * 0.0166, 10);
    // Two plan rounds, three attempts per step, 8 steps.
    expect(e.high).toBeCloseTo(2 * 0.0285 + 8 * 3 * 0.0166, 10);
    expect(e.basis).toBe("seed");
    expect(e.steps).toEqual({ low: 3, high: 8, source: "seed" });
  });

  it("multiplies by the plan's steps when the plan is known", () => {
    const e = estimateTask({ models: roles, steps: 5, maxAttempts: 2 }, empty);
    expect(e.low).toBeCloseTo(0.0285 + 5 * 0.0166, 10);
    expect(e.high).toBeCloseTo(2 * 0.0285 + 5 * 2 * 0.0166, 10);
  });

  it("prefers history for the role and tier: median low, 90th percentile high", () => {
    const log = new EventLogBuilder();
    [0.01, 0.02, 0.03].forEach((usd, i) => {
      const id = `T${i}`;
      const plan = PlanSchema.parse({
        task_id: id,
        steps: [1, 2, 3, 4].map((n) => ({ id: `S${n}`, type: "implementation", description: "d" })),
      });
      log
        .task(id, 0)
        .add(id, 0, { type: "plan.recorded", plan, author: "claude_sonnet", round: 1 });
      // Two attempts of one step add up to the step's cost.
      log.call(id, 0, {
        role: "implementer",
        model: "gemini_flash",
        stepId: "S1",
        attempt: 1,
        costUsd: usd / 2,
      });
      log.call(id, 0, {
        role: "implementer",
        model: "gemini_flash",
        stepId: "S1",
        attempt: 2,
        costUsd: usd / 2,
      });
    });
    const e = estimateTask({ models: roles }, costHistory(log.events, models));
    const impl = e.lines.find((l) => l.role === "implementer");
    expect(impl).toMatchObject({ source: "history:implementer/cheap (3)" });
    expect(impl?.unitLow).toBeCloseTo(0.02, 10);
    expect(impl?.unitHigh).toBeCloseTo(0.028, 10);
    expect(e.steps).toEqual({ low: 4, high: 4, source: "history (3)" });
    expect(e.basis).toBe("mixed");
  });

  it("adds tasks up for a batch", () => {
    const one = estimateTask({ models: roles, steps: 1 }, empty);
    expect(sumEstimates([one, one]).high).toBeCloseTo(2 * one.high, 10);
  });
});

describe("quantile", () => {
  it("interpolates between neighbours", () => {
    expect(quantile([3, 1, 2], 0.5)).toBe(2);
    expect(quantile([1, 2], 0.9)).toBeCloseTo(1.9, 10);
    expect(quantile([7], 0.9)).toBe(7);
  });
});
