import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { RANDOM_AREAS, randomWorkload } from "./routing-random.js";
import { randomTargetLines, runRandomWorkload, summarise } from "./routing-random-run.js";
import type { RandomWorkloadResult } from "./routing-random-run.js";
import { parseWorkload } from "./routing-workload.js";

const base = parseWorkload(
  await readFile(new URL("./routing/workload.json", import.meta.url), "utf8"),
);

describe("random routing workloads", () => {
  it("keeps the default models and prices, draws the ground truth from the seed", () => {
    const a = randomWorkload(base, 7);
    expect(randomWorkload(base, 7)).toEqual(a);
    expect(randomWorkload(base, 8).success).not.toEqual(a.success);
    expect(a.models).toEqual(base.models);
    expect(a.baseline).toEqual(base.baseline);
    for (const name of Object.keys(base.models)) {
      for (const area of RANDOM_AREAS) {
        for (const p of Object.values(a.success[name]?.[area] ?? {})) {
          expect(p).toBeGreaterThanOrEqual(0.02);
          expect(p).toBeLessThanOrEqual(0.995);
        }
      }
    }
    expect("mix" in a.steps && a.steps.mix.length).toBeGreaterThanOrEqual(3);
  });

  it("varies what cheap models can do: some workloads make them unreliable, some not", () => {
    const flashLow = Array.from({ length: 40 }, (_, i) => {
      const w = randomWorkload(base, 100 + i);
      return w.success.gemini_flash?.core?.low ?? 0;
    });
    expect(Math.min(...flashLow)).toBeLessThan(0.5);
    expect(Math.max(...flashLow)).toBeGreaterThan(0.9);
  });

  it("measures every strategy against Claude-only and its own equal-quality oracle", () => {
    const w = randomWorkload(base, 3);
    if (!("mix" in w.steps)) throw new Error("a random workload draws its steps from a mix");
    w.steps.count = 60;
    const run = runRandomWorkload(w, 0);
    expect(run.rows.map((r) => r.name)).toEqual([
      "claude-only",
      "rules",
      "rules+ladder",
      "learned (cold)",
    ]);
    const [claude] = run.rows;
    expect(claude).toMatchObject({ saving: 0, successLoss: 0 });
    for (const r of run.rows) expect(r.oracleRatio).toBeGreaterThan(0);
  });

  it("summarises the median and the worst case, and gives a verdict on the targets", () => {
    const row = (name: string, oracleRatio: number, successLoss: number) => ({
      name,
      saving: 0.5,
      successLoss,
      escapeRatio: 1,
      oracleRatio,
    });
    const runs: RandomWorkloadResult[] = [1.0, 1.1, 1.25].map((x, i) => ({
      seed: i,
      rows: [row("learned (warm)", x, i), row("learned (cold)", x + 0.1, 0)],
    }));
    const [warm] = summarise(runs);
    expect(warm?.oracleRatio).toEqual({ median: 1.1, worst: 1.25 });
    expect(warm?.successLoss).toEqual({ median: 1, worst: 2 });
    expect(randomTargetLines(summarise(runs)).at(-1)).toBe("verdict: PASS");
    runs.push({ seed: 9, rows: [row("learned (warm)", 1.4, 0), row("learned (cold)", 1, 0)] });
    expect(randomTargetLines(summarise(runs)).at(-1)).toBe("verdict: FAIL");
  });
});
