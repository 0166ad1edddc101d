import { afterEach, describe, expect, it } from "vitest";
import { createHarness } from "../../test/support/engine-harness.js";
import type { Harness } from "../../test/support/engine-harness.js";
import type { ScriptedStep } from "../../test/support/script-builder.js";
import { happyScript } from "../../test/support/script-builder.js";
import { taskBudgetUsd } from "./task-budget.js";

const STEPS: ScriptedStep[] = ["S1", "S2", "S3"].map((id, i) => ({
  id,
  description: `Add file ${i + 1}`,
  files: { [`f${i + 1}.txt`]: `${i + 1}\n` },
}));

const harnesses: Harness[] = [];
afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((h) => h.repo.cleanup()));
});

async function runWithBudget(budgetUsd?: number, defaultUsd?: number) {
  const harness = await createHarness({
    script: happyScript("T-1", STEPS),
    ...(budgetUsd === undefined ? {} : { task: { budgetUsd } }),
    ...(defaultUsd === undefined
      ? {}
      : { models: (m) => ({ ...m, budgets: { warnFraction: 0.8, taskUsd: defaultUsd } }) }),
  });
  harnesses.push(harness);
  const outcome = await harness.run();
  const calls = (await harness.store.events("T-1")).filter((e) => e.body.type === "model.call");
  return { outcome, calls: calls.length };
}

describe("a task's budget_usd", () => {
  it("refuses the first call when nothing fits: no call made, escalated with reason budget", async () => {
    const { outcome, calls } = await runWithBudget(0);
    expect(outcome.status).toBe("AWAITING_HUMAN_REVIEW");
    expect(outcome.view.escalation?.reason).toBe("budget");
    expect(outcome.view.escalation?.detail).toMatch(/planner call to claude not made/);
    expect(calls).toBe(0);
  });

  it("stops mid-task before the call that would pass it, and never spends past it", async () => {
    const full = await runWithBudget();
    expect(full.outcome.status).toBe("DONE");
    // Reservations are generous (8000 output tokens for an implementer: $0.12 at $15/M), so
    // $0.10 admits the planning calls and refuses the first implementation.
    const budget = 0.1;
    const { outcome, calls } = await runWithBudget(budget);
    expect(outcome.view.escalation?.reason).toBe("budget");
    expect(outcome.view.escalation?.detail).toMatch(/implementer call/);
    expect(calls).toBeGreaterThan(0);
    expect(calls).toBeLessThan(full.calls);
    expect(outcome.view.costUsd).toBeLessThanOrEqual(budget);
  });

  it("a budget that covers the work changes nothing", async () => {
    const { outcome } = await runWithBudget(100);
    expect(outcome.status).toBe("DONE");
  });

  it("a task without budget_usd gets the default budget (budgets.task_usd), never none", async () => {
    const { outcome, calls } = await runWithBudget(undefined, 0);
    expect(outcome.view.escalation?.reason).toBe("budget");
    expect(outcome.view.escalation?.detail).toContain("budgets.task_usd in model_config.yaml");
    expect(calls).toBe(0);
    // Its own budget_usd wins over the default.
    expect((await runWithBudget(100, 0)).outcome.status).toBe("DONE");
  });

  it("the built-in default budget is $20", () => {
    expect(taskBudgetUsd({}, undefined)).toEqual({ usd: 20, source: "default" });
    expect(taskBudgetUsd({}, { warnFraction: 0.8, taskUsd: 3 })).toEqual({
      usd: 3,
      source: "default",
    });
    expect(taskBudgetUsd({ budgetUsd: 7 }, { warnFraction: 0.8, taskUsd: 3 })).toEqual({
      usd: 7,
      source: "task",
    });
  });
});
