import { afterEach, describe, expect, it } from "vitest";
import { createHarness, passingGate, rule, scripted } from "../../test/support/engine-harness.js";
import type { Harness } from "../../test/support/engine-harness.js";
import type { EventBody } from "../core/events.js";
import type { ModelsConfig } from "../core/project-config.js";
import { happyScript } from "../../test/support/script-builder.js";
import type { GatePort } from "../core/gate-port.js";

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.repo.cleanup();
  harness = undefined;
});

const STEPS = [{ id: "S1", description: "Add a file", files: { "a.txt": "a\n" } }];

/** A cheap google implementer first; claude plans; both families review. */
const withFlash =
  (extra: Partial<ModelsConfig["routing"]> = {}, budgets?: ModelsConfig["budgets"]) =>
  (m: ModelsConfig): ModelsConfig => ({
    models: new Map([...m.models, ["flash", scripted("flash", "google", "cheap")]]),
    routing: {
      ...m.routing,
      rules: [
        rule(1, ["planner"], ["claude"]),
        rule(2, ["implementer"], ["flash"]),
        rule(3, ["plan_reviewer", "code_reviewer"], ["claude", "gemini"]),
      ],
      ...extra,
    },
    ...(budgets ? { budgets } : {}),
  });

/** Fails the gate on the step's first attempt only. */
const failFirst: GatePort = (input) =>
  input.logDir.endsWith("S1-attempt-1")
    ? Promise.resolve({
        passed: false,
        checks: [
          {
            name: "test",
            passed: false,
            exitCode: 1,
            timedOut: false,
            durationMs: 1,
            summary: "x",
          },
        ],
        feedback: "tests failed",
      })
    : passingGate(input);

async function decisions(h: Harness): Promise<Extract<EventBody, { type: "routing.decision" }>[]> {
  return (await h.store.events("T-1"))
    .map((e) => e.body)
    .filter(
      (b): b is Extract<EventBody, { type: "routing.decision" }> => b.type === "routing.decision",
    );
}

describe("routing policies in a run", () => {
  it("a failed attempt climbs the escalation ladder; cross-review follows the new author", async () => {
    harness = await createHarness({
      script: happyScript("T-1", STEPS),
      gate: failFirst,
      models: withFlash({ ladder: ["flash", "claude"] }),
    });
    expect((await harness.run()).status).toBe("DONE");
    const d = await decisions(harness);
    const implementers = d.filter((x) => x.role === "implementer").map((x) => x.model);
    expect(implementers).toEqual(["flash", "claude"]);
    const reviewers = d.filter((x) => x.role === "code_reviewer").map((x) => x.model);
    expect(reviewers).toEqual(["claude", "gemini"]);
  });

  it("without a ladder, the rules choose the retry too", async () => {
    harness = await createHarness({
      script: happyScript("T-1", STEPS),
      gate: failFirst,
      models: withFlash(),
    });
    expect((await harness.run()).status).toBe("DONE");
    const implementers = (await decisions(harness)).filter((x) => x.role === "implementer");
    expect(implementers.map((x) => x.model)).toEqual(["flash", "flash"]);
  });

  it("strategy learned with no history falls back to the rules and says so", async () => {
    harness = await createHarness({
      script: happyScript("T-1", STEPS),
      models: withFlash({ strategy: "learned" }),
    });
    expect((await harness.run()).status).toBe("DONE");
    const implementer = (await decisions(harness)).find((x) => x.role === "implementer");
    expect(implementer?.model).toBe("flash");
    expect(implementer?.reason).toMatch(/\[rules\]/);
  });

  it("a daily budget across tasks refuses the call that would pass it", async () => {
    harness = await createHarness({
      script: happyScript("T-1", STEPS),
      models: withFlash({}, { dailyUsd: 0, warnFraction: 0.8 }),
    });
    const outcome = await harness.run();
    expect(outcome.view.escalation?.reason).toBe("budget");
    expect(outcome.view.escalation?.detail).toMatch(/budgets\.daily_usd in model_config\.yaml/);
  });
});
