/**
 * bench/routing: how much each routing strategy spends, and how often it succeeds, on a
 * synthetic workload whose ground truth only the simulator knows. See bench/routing/README.md.
 *
 *   node bench/routing.mjs [--workload FILE] [--seed N] [--seeds N] [--steps N] [--json]
 *
 * --seed: the seed of the step draws (default: the workload's); --seeds N: the mean of N runs
 * on seeds seed, seed+1, ...; --steps: how many steps to draw from a workload's mix.
 */
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import type { StrategyResult } from "./routing-sim.js";
import { simulate } from "./routing-sim.js";
import { parseWorkload } from "./routing-workload.js";
import type { Workload } from "./routing-workload.js";

const DEFAULT_WORKLOAD = new URL("../../bench/routing/workload.json", import.meta.url);

const pct = (x: number): string => `${x >= 0 ? "+" : ""}${(x * 100).toFixed(1)}%`;

/** The results as a text table; savings are against the first row, the oracle is the last. */
export function formatTable(results: readonly StrategyResult[]): string {
  const baseline = results[0];
  const oracle = results.find((r) => r.name === "oracle");
  if (!baseline || !oracle) return "";
  const header = [
    "strategy",
    "success",
    "cost USD",
    `vs ${baseline.name}`,
    "vs oracle",
    "regret USD",
    "attempts",
  ];
  const rows = results.map((r) => [
    r.name,
    `${((r.successes / r.steps) * 100).toFixed(1)}%`,
    r.totalUsd.toFixed(2),
    pct(r.totalUsd / baseline.totalUsd - 1),
    pct(r.totalUsd / oracle.totalUsd - 1),
    (r.totalUsd - oracle.totalUsd).toFixed(2),
    String(r.attempts),
  ]);
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.map((row) => (row[i] ?? "").length)),
  );
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join("  ");
  return [line(header), ...rows.map(line)].join("\n");
}

/** Averages runs of the same strategies (over several seeds) row by row. */
export function averageResults(runs: readonly (readonly StrategyResult[])[]): StrategyResult[] {
  const first = runs[0] ?? [];
  return first.map((row, i) => {
    const same = runs.map((r) => r[i] ?? row);
    const mean = (f: (r: StrategyResult) => number): number =>
      same.reduce((s, r) => s + f(r), 0) / same.length;
    const modelUse: Record<string, number> = {};
    const modes: Record<string, number> = {};
    for (const r of same) {
      for (const [k, v] of Object.entries(r.modelUse))
        modelUse[k] = (modelUse[k] ?? 0) + v / same.length;
      for (const [k, v] of Object.entries(r.modes)) modes[k] = (modes[k] ?? 0) + v / same.length;
    }
    return {
      name: row.name,
      steps: mean((r) => r.steps),
      successes: mean((r) => r.successes),
      attempts: Math.round(mean((r) => r.attempts)),
      implementerUsd: mean((r) => r.implementerUsd),
      reviewUsd: mean((r) => r.reviewUsd),
      totalUsd: mean((r) => r.totalUsd),
      modelUse,
      modes,
    };
  });
}

function describeUse(results: readonly StrategyResult[]): string[] {
  return results.map((r) => {
    const use = Object.entries(r.modelUse)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `${k} ${Math.round(v)}`)
      .join(", ");
    const modes = Object.entries(r.modes)
      .map(([k, v]) => `${k} ${Math.round(v)}`)
      .join(", ");
    const split = `implementer $${r.implementerUsd.toFixed(2)} + review $${r.reviewUsd.toFixed(2)}`;
    return `  ${r.name}: ${split}; attempts by model: ${use}${modes ? `; first attempts: ${modes}` : ""}`;
  });
}

/** The workload with another number of steps drawn from its mix. */
function withSteps(workload: Workload, steps: string | undefined): Workload {
  if (steps === undefined) return workload;
  const count = Number(steps);
  if (!Number.isInteger(count) || count < 1) throw new Error("--steps takes a positive integer");
  if (!("mix" in workload.steps)) throw new Error("--steps needs a workload whose steps are a mix");
  return { ...workload, steps: { ...workload.steps, count } };
}

export async function main(argv: readonly string[]): Promise<void> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      workload: { type: "string" },
      seed: { type: "string" },
      seeds: { type: "string", default: "1" },
      steps: { type: "string" },
      json: { type: "boolean", default: false },
    },
  });
  const file = values.workload ?? DEFAULT_WORKLOAD;
  const workload = withSteps(parseWorkload(await readFile(file, "utf8")), values.steps);
  const seed = values.seed === undefined ? workload.seed : Number(values.seed);
  const seeds = Math.max(1, Number(values.seeds));
  if (!Number.isInteger(seed) || !Number.isInteger(seeds))
    throw new Error("--seed and --seeds take integers");
  const runs = Array.from({ length: seeds }, (_, i) => simulate(workload, seed + i));
  const results = averageResults(runs);
  if (values.json) {
    console.log(JSON.stringify({ seed, seeds, results }, null, 2));
    return;
  }
  const steps = results[0]?.steps ?? 0;
  const where = typeof file === "string" ? file : "bench/routing/workload.json";
  console.log(
    `routing bench: ${steps} steps from ${where}, seed ${seed}${seeds > 1 ? `, mean of ${seeds} seeds` : ""}`,
  );
  console.log(formatTable(results));
  console.log(describeUse(results).join("\n"));
}
