import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { averageResults, formatTable } from "./routing.js";
import {
  attemptCost,
  baselineStrategy,
  learnedStrategy,
  rulesStrategy,
  runOracle,
  runStrategy,
  simContext,
  simulate,
} from "./routing-sim.js";
import { generateSteps, parseWorkload } from "./routing-workload.js";
import type { Workload } from "./routing-workload.js";

const price = (input: number, output: number) => ({ input, output, cache_read: 0, cache_write: 0 });

/** A small workload; success probabilities of 0 and 1 make the outcomes certain. */
function workload(extra: Record<string, unknown> = {}): Workload {
  return parseWorkload(
    JSON.stringify({
      seed: 1,
      models: {
        gemini_flash: { family: "google", tier: "cheap", price: price(1, 1) },
        gemini_pro: { family: "google", tier: "medium", price: price(4, 4) },
        claude_sonnet: { family: "anthropic", tier: "strong", price: price(10, 10) },
      },
      baseline: { implementer: "claude_sonnet", reviewer: "claude_sonnet" },
      ladder: ["gemini_flash", "gemini_pro", "claude_sonnet"],
      review: { tokens: { input: 100_000, output: 0 } },
      success: {
        gemini_flash: { "*": { low: 1, medium: 0, high: 0 } },
        gemini_pro: { "*": { low: 1, medium: 1, high: 0 } },
        claude_sonnet: { "*": { low: 1, medium: 1, high: 1 } },
      },
      steps: [
        { area: "docs", risk: "low", step_type: "docs", tokens: { input: 1_000_000, output: 0 } },
        {
          area: "core",
          risk: "high",
          step_type: "implementation",
          tokens: { input: 1_000_000, output: 0 },
        },
        {
          area: "services",
          risk: "medium",
          step_type: "implementation",
          tokens: { input: 1_000_000, output: 0 },
        },
      ],
      ...extra,
    }),
  );
}

describe("the routing simulator", () => {
  const w = workload();
  const ctx = simContext(w);
  const steps = generateSteps(w);

  it("charges an attempt its tokens plus a review by the other family", () => {
    const flash = ctx.config.models.get("gemini_flash")!;
    // 1M input tokens at $1, and 100k review tokens on claude_sonnet at $10.
    expect(attemptCost(ctx, steps[0]!, flash)).toEqual({ implementer: 1, review: 1 });
  });

  it("runs the baseline on one model, reviewed by the baseline reviewer", () => {
    const r = runStrategy(ctx, steps, baselineStrategy(ctx));
    expect(r).toMatchObject({ name: "claude-only", successes: 3, attempts: 3 });
    expect(r.totalUsd).toBeCloseTo(3 * (10 + 1), 10);
  });

  it("follows the seed's matrix, retrying a failed step on the same model", () => {
    const r = runStrategy(ctx, steps, rulesStrategy(ctx, false));
    // docs -> flash (passes), core -> sonnet (passes), services medium -> pro (passes).
    expect(r.modelUse).toEqual({ gemini_flash: 1, claude_sonnet: 1, gemini_pro: 1 });
    expect(r.successes).toBe(3);
  });

  it("escalates up the ladder after a failure", () => {
    const hard = workload({
      steps: [
        {
          area: "tests",
          risk: "high",
          step_type: "testing",
          tokens: { input: 1_000_000, output: 0 },
        },
      ],
      rules: [
        { role: "implementer", use: "gemini_flash" },
        {
          role: ["planner", "plan_reviewer", "code_reviewer"],
          use: ["claude_sonnet", "gemini_pro"],
        },
      ],
    });
    const hardCtx = simContext(hard);
    const hardSteps = generateSteps(hard);
    const same = runStrategy(hardCtx, hardSteps, rulesStrategy(hardCtx, false));
    expect(same).toMatchObject({ successes: 0, attempts: 3, modelUse: { gemini_flash: 3 } });
    const ladder = runStrategy(hardCtx, hardSteps, rulesStrategy(hardCtx, true));
    expect(ladder).toMatchObject({
      successes: 1,
      modelUse: { gemini_flash: 1, gemini_pro: 1, claude_sonnet: 1 },
    });
  });

  it("lets the oracle take the cheapest model that will pass", () => {
    const r = runOracle(ctx, steps);
    expect(r.modelUse).toEqual({ gemini_flash: 1, claude_sonnet: 1, gemini_pro: 1 });
    // flash 1 + review 1; sonnet 10 + pro review 0.4; pro 4 + sonnet review 1.
    expect(r.totalUsd).toBeCloseTo(2 + 10.4 + 5, 10);
  });

  it("learns to move work the rules give to a dearer model onto a cheaper one that passes", () => {
    const easy = workload({
      success: {
        gemini_flash: { "*": { low: 1, medium: 1, high: 0 } },
        gemini_pro: { "*": { low: 1, medium: 1, high: 0 } },
        claude_sonnet: { "*": { low: 1, medium: 1, high: 1 } },
      },
      steps: {
        count: 200,
        mix: [
          {
            area: "services",
            risk: "medium",
            step_type: "implementation",
            weight: 1,
            tokens: { input: 1_000_000, output: 0 },
          },
        ],
      },
    });
    const easyCtx = simContext(easy);
    const easySteps = generateSteps(easy);
    const rules = runStrategy(easyCtx, easySteps, rulesStrategy(easyCtx, false));
    const learned = runStrategy(easyCtx, easySteps, learnedStrategy(easyCtx, 7));
    expect(learned.successes).toBe(200);
    expect(learned.totalUsd).toBeLessThan(rules.totalUsd * 0.7);
    expect(learned.modes.learned).toBeGreaterThan(100);
  });

  it("is deterministic for a seed and differs across seeds", () => {
    const generated = workload({
      steps: {
        count: 50,
        mix: [
          {
            area: "docs",
            risk: "low",
            step_type: "docs",
            weight: 1,
            tokens: { input: 1000, output: 10 },
          },
          {
            area: "core",
            risk: "high",
            step_type: "implementation",
            weight: 1,
            tokens: { input: 1000, output: 10 },
          },
        ],
      },
      token_jitter: 0.5,
    });
    expect(simulate(generated, 3)).toEqual(simulate(generated, 3));
    expect(simulate(generated, 3)).not.toEqual(simulate(generated, 4));
  });
});

describe("generateSteps", () => {
  it("draws the given number of steps from the mix, each with one draw per attempt", () => {
    const w = workload({
      steps: {
        count: 400,
        mix: [
          {
            area: "docs",
            risk: "low",
            step_type: "docs",
            weight: 3,
            tokens: { input: 1000, output: 100 },
          },
          {
            area: "core",
            risk: "high",
            step_type: "implementation",
            weight: 1,
            tokens: { input: 1000, output: 100 },
          },
        ],
      },
      token_jitter: 0.4,
    });
    const steps = generateSteps(w);
    expect(steps).toHaveLength(400);
    const docs = steps.filter((s) => s.area === "docs").length;
    expect(docs).toBeGreaterThan(260);
    expect(docs).toBeLessThan(340);
    for (const s of steps) {
      expect(s.draws).toHaveLength(3);
      expect(s.tokens.input).toBeGreaterThanOrEqual(600);
      expect(s.tokens.input).toBeLessThanOrEqual(1400);
    }
  });
});

describe("parseWorkload", () => {
  it("names the field of a wrong workload", () => {
    expect(() => workload({ ladder: ["gemini_flash", "gpt_5"] })).toThrow(
      /ladder\.1: unknown model "gpt_5"/,
    );
    expect(() => workload({ max_attempts: 0 })).toThrow(/max_attempts/);
  });

  it("reads the shipped workload: at least 500 steps over every model", async () => {
    const text = await readFile(
      new URL("../../bench/routing/workload.json", import.meta.url),
      "utf8",
    );
    const w = parseWorkload(text);
    expect(generateSteps(w).length).toBeGreaterThanOrEqual(500);
    expect(Object.keys(w.success).sort()).toEqual(Object.keys(w.models).sort());
  });
});

describe("formatTable", () => {
  it("shows each strategy's success, cost and its saving against the first row and the oracle", () => {
    const results = averageResults([simulate(workload())]);
    const table = formatTable(results);
    const lines = table.split("\n");
    expect(lines[0]).toMatch(
      /^strategy\s+success\s+cost USD\s+vs claude-only\s+vs oracle\s+regret USD/,
    );
    expect(lines.map((l) => l.split(/\s+/)[0])).toEqual([
      "strategy",
      "claude-only",
      "rules",
      "rules+ladder",
      "learned",
      "prescient",
      "oracle",
    ]);
    expect(lines[1]).toContain("+0.0%");
  });
});
