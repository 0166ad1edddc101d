import { afterEach, describe, expect, it } from "vitest";
import { createHarness } from "../../test/support/engine-harness.js";
import type { Harness } from "../../test/support/engine-harness.js";
import type { ModelProvider, ModelRequest } from "../core/ports.js";
import type { ScriptedStep } from "../../test/support/script-builder.js";
import { answer, happyScript, planJson } from "../../test/support/script-builder.js";

const TASK = "T-1";
const steps = (n: number): ScriptedStep[] =>
  Array.from({ length: n }, (_, i) => ({
    id: `S${String(i + 1)}`,
    description: `Add file ${String(i + 1)}`,
    files: { [`f${String(i + 1)}.txt`]: `${String(i + 1)}\n` },
  }));
const RUNAWAY = planJson(TASK, steps(500));

const harnesses: Harness[] = [];
afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((h) => h.repo.cleanup()));
});

/** A 3-step task whose planner first answers `first`, and `repaired` when sent back. */
async function run(first: string, repaired: string, task: { maxPlanSteps?: number } = {}) {
  const planner: ModelRequest[] = [];
  const watch = (p: ModelProvider): ModelProvider => ({
    ...p,
    complete: (request) => {
      if (request.role === "planner") planner.push(request);
      return p.complete(request);
    },
  });
  const harness = await createHarness({
    script: happyScript(TASK, steps(3), [
      answer({ role: "planner", text: first }),
      answer({ role: "planner", repair: true, text: repaired }),
    ]),
    wrapProvider: watch,
    task,
  });
  harnesses.push(harness);
  const outcome = await harness.run();
  const events = (await harness.store.events(TASK)).map((e) => e.body);
  return { harness, outcome, events, planner };
}

describe("a plan has limits", () => {
  it("a 500-step plan goes back to the planner once with the reason; the smaller plan runs", async () => {
    const { harness, outcome, events, planner } = await run(RUNAWAY, planJson(TASK, steps(3)));
    expect(outcome.status).toBe("DONE");
    expect(await harness.branchLog()).toHaveLength(3);
    expect(planner).toHaveLength(2);
    expect(planner[1]?.repair).toBe(true);
    expect(planner[1]?.prompt).toContain("the plan has 500 steps; at most 12 are allowed");
    const refused = events.filter((b) => b.type === "plan.refused");
    expect(refused).toMatchObject([{ round: 1, steps: 500, author: "claude" }]);
    // No step of the runaway plan was ever started.
    expect(events.filter((b) => b.type === "step.attempt")).toHaveLength(3);
  });

  it("a planner that answers over the limit twice hands the task to a human", async () => {
    const { harness, outcome, events, planner } = await run(RUNAWAY, RUNAWAY);
    expect(outcome.status).toBe("AWAITING_HUMAN_REVIEW");
    expect(outcome.view.escalation?.reason).toBe("plan_too_large");
    expect(outcome.view.escalation?.detail).toContain("at most 12 are allowed (max_plan_steps)");
    expect(outcome.view.plan).toBeUndefined();
    expect(planner).toHaveLength(2);
    expect(events.filter((b) => b.type === "step.attempt")).toEqual([]);
    expect(await harness.branchLog()).toEqual([]);
  });

  it("a task's max_plan_steps overrides the global limit", async () => {
    const { outcome } = await run(planJson(TASK, steps(3)), planJson(TASK, steps(3)), {
      maxPlanSteps: 2,
    });
    expect(outcome.view.escalation?.reason).toBe("plan_too_large");
    expect(outcome.view.escalation?.detail).toContain("the plan has 3 steps; at most 2");
  });

  it("a step touching more files than the cap is refused too", async () => {
    const wide = JSON.parse(planJson(TASK, steps(2))) as { steps: Record<string, unknown>[] };
    const first = wide.steps[0];
    if (first) first.files_to_modify = Array.from({ length: 30 }, (_, i) => `src/f${String(i)}.ts`);
    const { outcome, planner } = await run(JSON.stringify(wide), planJson(TASK, steps(3)));
    expect(outcome.status).toBe("DONE");
    expect(planner[1]?.prompt).toContain("steps S1 (30) touch more than 25 files");
  });
});
