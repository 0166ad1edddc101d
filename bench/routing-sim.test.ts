import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { averageResults, formatTable } from "./routing.js";
import {
  attemptCost,
  baselineStrategy,
  equalQualityOracle,
  learnedStrategy,
  oracleStrategy,
  routerView,
  rulesStrategy,
  runStrategy,
  simContext,
  simulate,
  warmLearnedStrategy,
  warmupSeed,
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
    const sonnet = ctx.config.models.get("claude_sonnet")!;
    // 1M input tokens at $1, and 100k review tokens on claude_sonnet at $10.
    expect(attemptCost(steps[0]!, flash, sonnet)).toEqual({ implementer: 1, review: 1 });
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

  it("lets the oracle take the cheapest pair as good as the baseline in each situation", () => {
    const r = runStrategy(ctx, steps, oracleStrategy(ctx));
    expect(r.modelUse).toEqual({ gemini_flash: 1, claude_sonnet: 1, gemini_pro: 1 });
    // flash 1 + sonnet review 1; sonnet 10 + flash review 0.1; pro 4 + sonnet review 1.
    expect(r.reviewerUse).toEqual({ claude_sonnet: 2, gemini_flash: 1 });
    expect(r.totalUsd).toBeCloseTo(2 + 10.1 + 5, 10);
  });

  it("counts a flawed change that review and gate both let through as a failed step", () => {
    const leaky = workload({
      success: {
        gemini_flash: { "*": { low: 0, medium: 0, high: 0 } },
        gemini_pro: { "*": { low: 0, medium: 0, high: 0 } },
        claude_sonnet: { "*": { low: 1, medium: 1, high: 1 } },
      },
      review_quality: { claude_sonnet: { catch: { "*": { low: 0, medium: 0, high: 0 } } } },
      gate: { catch: { "*": 0 } },
    });
    const c = simContext(leaky);
    const r = runStrategy(c, generateSteps(leaky), rulesStrategy(c, false));
    // docs -> flash, reviewed by sonnet, which misses everything; the gate too.
    expect(r).toMatchObject({ successes: 1, escapes: 2, attempts: 3 });
  });

  it("sends a flawed change back when the reviewer catches it, and counts the retry", () => {
    const caught = workload({
      success: {
        gemini_flash: { "*": { low: 0, medium: 0, high: 0 } },
        gemini_pro: { "*": { low: 0, medium: 0, high: 0 } },
        claude_sonnet: { "*": { low: 1, medium: 1, high: 1 } },
      },
      steps: [
        { area: "docs", risk: "low", step_type: "docs", tokens: { input: 1_000_000, output: 0 } },
      ],
    });
    const c = simContext(caught);
    const r = runStrategy(c, generateSteps(caught), rulesStrategy(c, true));
    // flash fails (caught), pro fails (caught), sonnet succeeds.
    expect(r).toMatchObject({ successes: 1, escapes: 0, attempts: 3 });
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
    const learned = runStrategy(easyCtx, easySteps, learnedStrategy(routerView(easy), 7));
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

describe("what the learned router sees", () => {
  /** A one-step workload in docs/low; flash writes every change, sonnet reviews it. */
  const oneStep = (truth: Record<string, unknown>) =>
    workload({
      steps: [
        { area: "docs", risk: "low", step_type: "docs", tokens: { input: 1_000_000, output: 0 } },
      ],
      rules: [
        { role: "implementer", use: "gemini_flash" },
        { role: ["planner", "plan_reviewer", "code_reviewer"], use: "claude_sonnet" },
      ],
      ...truth,
    });

  it("holds no ground truth: workloads that differ only in it give the router the same view", () => {
    const a = oneStep({});
    const b = oneStep({
      success: {
        gemini_flash: { "*": { low: 0.1, medium: 0.2, high: 0.3 } },
        gemini_pro: { "*": { low: 0.4, medium: 0.5, high: 0.6 } },
        claude_sonnet: { "*": { low: 0.7, medium: 0.8, high: 0.9 } },
      },
      review_quality: { claude_sonnet: { catch: { "*": { low: 0.3 } }, false_reject: 0.2 } },
      gate: { catch: { "*": 0.25 } },
    });
    expect(routerView(b)).toEqual(routerView(a));
    const text = JSON.stringify(routerView(b), (_k, v: unknown): unknown =>
      v instanceof Map ? Object.fromEntries(v as Map<string, unknown>) : v,
    );
    for (const key of ["success", "review_quality", "catch", "false_reject", "gate", "draws"])
      expect(text).not.toContain(`"${key}"`);
  });

  it("cannot tell an escaped defect from a good change: both are a passed attempt", () => {
    const good = oneStep({});
    const escaped = oneStep({
      success: {
        gemini_flash: { "*": { low: 0, medium: 0, high: 0 } },
        gemini_pro: { "*": { low: 0, medium: 0, high: 0 } },
        claude_sonnet: { "*": { low: 1, medium: 1, high: 1 } },
      },
      review_quality: { claude_sonnet: { catch: { "*": { low: 0, medium: 0, high: 0 } } } },
      gate: { catch: { "*": 0 } },
    });
    const run = (w: Workload) => {
      const ctx = simContext(w);
      const strategy = learnedStrategy(routerView(w), 5);
      const result = runStrategy(ctx, generateSteps(w), strategy);
      return { result, cells: strategy.history.cells() };
    };
    const a = run(good);
    const b = run(escaped);
    expect(a.result.successes).toBe(1);
    expect(b.result).toMatchObject({ successes: 0, escapes: 1 });
    // The router's whole input afterwards is the same.
    expect(b.cells).toEqual(a.cells);
  });

  it("warms up on earlier runs' observed outcomes only, then routes the measured steps", () => {
    const w = workload({
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
    const ctx = simContext(w);
    const warm = warmLearnedStrategy(ctx, 7, 1);
    // The history is the warm-up run's attempts, as the event log would have them.
    const replay = runStrategy(
      ctx,
      generateSteps(w, warmupSeed(7, 1)),
      learnedStrategy(routerView(w), 7),
    );
    const attempts = (cells: ReturnType<typeof warm.history.cells>) =>
      cells.filter((c) => c.key.role === "implementer").reduce((n, c) => n + c.stats.attempts, 0);
    expect(attempts(warm.history.cells())).toBe(replay.attempts);
    const steps = generateSteps(w);
    const cold = runStrategy(ctx, steps, learnedStrategy(routerView(w), 7));
    const warmed = runStrategy(ctx, steps, warm);
    // Warm: no step is left to the rules' fallback, and the run costs less than the cold one.
    expect(warmed.modes.rules ?? 0).toBe(0);
    expect(cold.modes.rules ?? 0).toBeGreaterThan(0);
    expect(warmed.totalUsd).toBeLessThan(cold.totalUsd);
  });
});

describe("the equal-quality oracle", () => {
  const w = workload({
    steps: {
      count: 300,
      mix: [
        {
          area: "services",
          risk: "medium",
          step_type: "implementation",
          weight: 1,
          tokens: { input: 1_000_000, output: 0 },
        },
        {
          area: "core",
          risk: "high",
          step_type: "implementation",
          weight: 1,
          tokens: { input: 1_000_000, output: 0 },
        },
      ],
    },
    success: {
      gemini_flash: { "*": { low: 1, medium: 0.5, high: 0.2 } },
      gemini_pro: { "*": { low: 1, medium: 0.9, high: 0.6 } },
      claude_sonnet: { "*": { low: 1, medium: 0.95, high: 0.9 } },
    },
  });
  const ctx = simContext(w);
  const steps = generateSteps(w);

  it("is the cheapest fixed plan at the success it is held to, dearer for a higher one", () => {
    const low = runStrategy(ctx, steps, equalQualityOracle(ctx, steps, 0.5));
    const high = runStrategy(ctx, steps, equalQualityOracle(ctx, steps, 0.99));
    expect(low.totalUsd).toBeLessThan(high.totalUsd);
    expect(high.successes / steps.length).toBeGreaterThan(0.97);
    // Held to the Claude-level oracle's own success, it costs no more than that oracle.
    const oracle = runStrategy(ctx, steps, oracleStrategy(ctx));
    const same = runStrategy(
      ctx,
      steps,
      equalQualityOracle(ctx, steps, oracle.successes / steps.length - 0.01),
    );
    expect(same.totalUsd).toBeLessThanOrEqual(oracle.totalUsd + 1e-9);
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
    expect(() => workload({ review_quality: { gpt_5: { catch: { "*": { low: 1 } } } } })).toThrow(
      /review_quality\.gpt_5: unknown model "gpt_5"/,
    );
  });

  it("reads the shipped workload: at least 500 steps over every model", async () => {
    const text = await readFile(new URL("./routing/workload.json", import.meta.url), "utf8");
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
      /^strategy\s+success\s+escaped\s+cost USD\s+vs claude-only\s+x oracle\s+regret USD\s+regret pts/,
    );
    expect(lines.map((l) => l.split(/\s{2,}/)[0])).toEqual([
      "strategy",
      "claude-only",
      "rules",
      "rules+ladder",
      "learned (cold)",
      "learned (warm)",
      "oracle",
      "oracle=cold",
      "oracle=warm",
      "clairvoyant",
    ]);
    const cold = averageResults([simulate(workload(), 1, { warmup: 0 })]);
    expect(cold.map((r) => r.name)).toEqual([
      "claude-only",
      "rules",
      "rules+ladder",
      "learned",
      "oracle",
      "oracle=learned",
      "clairvoyant",
    ]);
    expect(lines[1]).toContain("+0.0%");
  });
});
