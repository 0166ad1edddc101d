/**
 * bench/routing: how much each routing strategy spends, and how often it succeeds, on a
 * synthetic workload whose ground truth only the simulator knows. See bench/routing/README.md.
 *
 *   node bench/routing.mjs [--workload FILE] [--seed N] [--seeds N] [--steps N] [--warmup N]
 *                          [--json]
 *
 * --seed: the seed of the step draws (default: the workload's); --seeds N: the mean of N runs
 * on seeds seed, seed+1, ...; --steps: how many steps to draw from a workload's mix;
 * --warmup N: earlier runs of the workload (other seeds) the warm learned row has learned from
 * (default 1; 0: the cold row only).
 */
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import type { StrategyResult } from "./routing-sim.js";
import { equalOracleName, simulate } from "./routing-sim.js";
import { parseWorkload } from "./routing-workload.js";
import {
  formatRandomTable,
  randomTargetLines,
  runRandomWorkloads,
  summarise,
} from "./routing-random-run.js";
import type { Workload } from "./routing-workload.js";

const DEFAULT_WORKLOAD = new URL("./routing/workload.json", import.meta.url);

const pct = (x: number): string => `${x >= 0 ? "+" : ""}${(x * 100).toFixed(1)}%`;

const rate = (n: number, of: number): string => `${((n / of) * 100).toFixed(1)}%`;

/**
 * The results as a text table: success (a correct change committed), escaped defects, cost,
 * the saving against the first row (the baseline), the cost relative to the oracle and the
 * regret (cost above the oracle's, and success below it, in points).
 */
export function formatTable(results: readonly StrategyResult[]): string {
  const baseline = results[0];
  const oracle = results.find((r) => r.name === "oracle");
  if (!baseline || !oracle) return "";
  const header = [
    "strategy",
    "success",
    "escaped",
    "cost USD",
    `vs ${baseline.name}`,
    "x oracle",
    "regret USD",
    "regret pts",
    "attempts",
  ];
  const rows = results.map((r) => [
    r.name,
    rate(r.successes, r.steps),
    rate(r.escapes, r.steps),
    r.totalUsd.toFixed(2),
    pct(r.totalUsd / baseline.totalUsd - 1),
    (r.totalUsd / oracle.totalUsd).toFixed(2),
    (r.totalUsd - oracle.totalUsd).toFixed(2),
    (((oracle.successes - r.successes) / r.steps) * 100).toFixed(1),
    String(Math.round(r.attempts)),
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
    const meanOf = (f: (r: StrategyResult) => Readonly<Record<string, number>>) => {
      const out: Record<string, number> = {};
      for (const r of same)
        for (const [k, v] of Object.entries(f(r))) out[k] = (out[k] ?? 0) + v / same.length;
      return out;
    };
    return {
      name: row.name,
      steps: mean((r) => r.steps),
      successes: mean((r) => r.successes),
      escapes: mean((r) => r.escapes),
      attempts: mean((r) => r.attempts),
      implementerUsd: mean((r) => r.implementerUsd),
      reviewUsd: mean((r) => r.reviewUsd),
      totalUsd: mean((r) => r.totalUsd),
      modelUse: meanOf((r) => r.modelUse),
      reviewerUse: meanOf((r) => r.reviewerUse),
      modes: meanOf((r) => r.modes),
    };
  });
}

const counts = (record: Readonly<Record<string, number>>): string =>
  Object.entries(record)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k} ${Math.round(v)}`)
    .join(", ");

function describeUse(results: readonly StrategyResult[]): string[] {
  return results.map((r) => {
    const modes = counts(r.modes);
    const split = `implementer $${r.implementerUsd.toFixed(2)} + review $${r.reviewUsd.toFixed(2)}`;
    return (
      `  ${r.name}: ${split}; authors: ${counts(r.modelUse)}; reviewers: ${counts(r.reviewerUse)}` +
      (modes ? `; first attempts: ${modes}` : "")
    );
  });
}

/** The issue's targets for a learned row, against the baseline and an oracle. */
function targetLine(
  base: StrategyResult,
  learned: StrategyResult,
  oracles: readonly StrategyResult[],
): string {
  const saving = 1 - learned.totalUsd / base.totalUsd;
  const gap = ((base.successes - learned.successes) / base.steps) * 100;
  const mark = (ok: boolean): string => (ok ? "met" : "NOT met");
  const ratios = oracles.map((o) => {
    const ratio = learned.totalUsd / o.totalUsd;
    return `${ratio.toFixed(2)}x ${o.name}'s (<= 1.20: ${mark(ratio <= 1.2)})`;
  });
  return (
    `targets for ${learned.name}: saving vs ${base.name} ${(saving * 100).toFixed(1)}% ` +
    `(>= 70%: ${mark(saving >= 0.7)}); success ${gap.toFixed(1)} points below ${base.name} ` +
    `(<= 5: ${mark(gap <= 5)}); cost ${ratios.join(", ")}`
  );
}

/**
 * The issue's targets, checked for every learned row: the saving against the baseline, the
 * success gap to it, and the cost against the oracle (held to the baseline's success per
 * situation) and against the row's equal-quality oracle (held to the row's own success).
 */
export function targetLines(results: readonly StrategyResult[]): string[] {
  const base = results[0];
  const oracle = results.find((r) => r.name === "oracle");
  if (!base || !oracle) return [];
  return results
    .filter((r) => r.name.startsWith("learned"))
    .map((r) => {
      const equal = results.find((o) => o.name === equalOracleName(r.name));
      return targetLine(base, r, equal ? [oracle, equal] : [oracle]);
    });
}

/**
 * The seed of the first random workload of a reported run: 5000, 5001, ... Development used
 * seeds 1000-1019 and 9000-9029 (and an earlier session 7000-7029); see
 * bench/routing/README.md.
 */
export const RANDOM_REPORT_SEED = 5000;

/** `--random-workloads K`: the median and worst case over K random workloads. */
async function randomMain(
  k: string,
  values: { workload?: string; seed?: string; steps?: string; warmup: string; json: boolean },
): Promise<void> {
  const count = Number(k);
  if (!Number.isInteger(count) || count < 1)
    throw new Error("--random-workloads takes a positive integer");
  const file = values.workload ?? DEFAULT_WORKLOAD;
  const base = withSteps(parseWorkload(await readFile(file, "utf8")), values.steps);
  const seed = values.seed === undefined ? RANDOM_REPORT_SEED : Number(values.seed);
  const warmup = Number(values.warmup);
  if (!Number.isInteger(seed)) throw new Error("--seed takes an integer");
  if (!Number.isInteger(warmup) || warmup < 0)
    throw new Error("--warmup takes a non-negative integer");
  const runs = runRandomWorkloads(base, count, seed, warmup, (done) => {
    if (!values.json) process.stderr.write(`\rworkload ${done}/${count}`);
  });
  if (!values.json) process.stderr.write("\n");
  const summary = summarise(runs);
  if (values.json) {
    console.log(JSON.stringify({ seed, count, warmup, summary, runs }, null, 2));
    return;
  }
  const steps = "mix" in base.steps ? base.steps.count : base.steps.length;
  console.log(
    `routing bench: ${count} random workloads (seeds ${seed}..${seed + count - 1}), ` +
      `${steps} steps each` +
      (warmup > 0 ? `; warm row after ${warmup} earlier run(s)` : "") +
      "; median / worst over the workloads",
  );
  console.log(formatRandomTable(summary));
  console.log(randomTargetLines(summary).join("\n"));
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
      warmup: { type: "string", default: "1" },
      json: { type: "boolean", default: false },
      "random-workloads": { type: "string" },
    },
  });
  if (values["random-workloads"] !== undefined) {
    await randomMain(values["random-workloads"], values);
    return;
  }
  const file = values.workload ?? DEFAULT_WORKLOAD;
  const workload = withSteps(parseWorkload(await readFile(file, "utf8")), values.steps);
  const seed = values.seed === undefined ? workload.seed : Number(values.seed);
  const seeds = Math.max(1, Number(values.seeds));
  if (!Number.isInteger(seed) || !Number.isInteger(seeds))
    throw new Error("--seed and --seeds take integers");
  const warmup = Number(values.warmup);
  if (!Number.isInteger(warmup) || warmup < 0)
    throw new Error("--warmup takes a non-negative integer");
  const runs = Array.from({ length: seeds }, (_, i) => simulate(workload, seed + i, { warmup }));
  const results = averageResults(runs);
  if (values.json) {
    console.log(JSON.stringify({ seed, seeds, warmup, results }, null, 2));
    return;
  }
  const steps = results[0]?.steps ?? 0;
  const where = typeof file === "string" ? file : "bench/routing/workload.json";
  console.log(
    `routing bench: ${steps} steps from ${where}, seed ${seed}${seeds > 1 ? `, mean of ${seeds} seeds` : ""}` +
      (warmup > 0 ? `; warm row after ${warmup} earlier run(s) of ${steps} steps` : ""),
  );
  console.log(formatTable(results));
  console.log(targetLines(results).join("\n"));
  console.log(describeUse(results).join("\n"));
}
