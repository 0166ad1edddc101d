/**
 * `--random-workloads K` of bench/routing: every strategy on K random workloads (see
 * routing-random.ts), and per strategy the median and the worst case over them of its saving
 * against Claude-only, its success loss, its escaped defects against Claude-only's and its cost
 * against the equal-quality oracle held to its own success.
 */
import type { StrategyResult } from "./routing-sim.js";
import {
  baselineStrategy,
  equalQualityOracles,
  learnedStrategy,
  routerView,
  rulesStrategy,
  runStrategy,
  simContext,
  warmLearnedStrategy,
} from "./routing-sim.js";
import { randomWorkload } from "./routing-random.js";
import { generateSteps } from "./routing-workload.js";
import type { Workload } from "./routing-workload.js";

/** One strategy on one workload, against Claude-only and its equal-quality oracle. */
export interface RandomRow {
  readonly name: string;
  /** 1 − cost / Claude-only's cost. */
  readonly saving: number;
  /** Claude-only's success minus this strategy's, in points (positive: worse). */
  readonly successLoss: number;
  /** Escaped defects over Claude-only's (at least one counted for Claude-only). */
  readonly escapeRatio: number;
  /** Cost over the cost of the equal-quality oracle held to this strategy's success. */
  readonly oracleRatio: number;
}

/** The rows of one random workload. */
export interface RandomWorkloadResult {
  readonly seed: number;
  readonly rows: readonly RandomRow[];
}

/** Every strategy on one workload (its own seed for the steps), with its metrics. */
export function runRandomWorkload(workload: Workload, warmup: number): RandomWorkloadResult {
  const ctx = simContext(workload);
  const seed = workload.seed;
  const steps = generateSteps(workload, seed);
  const results: StrategyResult[] = [
    runStrategy(ctx, steps, baselineStrategy(ctx)),
    runStrategy(ctx, steps, rulesStrategy(ctx, false)),
    runStrategy(ctx, steps, rulesStrategy(ctx, true)),
    runStrategy(ctx, steps, learnedStrategy(routerView(workload), seed + 1, "learned (cold)")),
    ...(warmup > 0 ? [runStrategy(ctx, steps, warmLearnedStrategy(ctx, seed + 1, warmup))] : []),
  ];
  const oracleAt = equalQualityOracles(ctx, steps);
  const [base] = results;
  if (base === undefined) throw new Error("no baseline");
  const rows = results.map((r) => {
    const oracle = runStrategy(ctx, steps, oracleAt(r.successes / r.steps, "oracle"));
    return {
      name: r.name,
      saving: 1 - r.totalUsd / base.totalUsd,
      successLoss: ((base.successes - r.successes) / r.steps) * 100,
      escapeRatio: r.escapes / Math.max(1, base.escapes),
      oracleRatio: r.totalUsd / oracle.totalUsd,
    };
  });
  return { seed, rows };
}

/** K workloads drawn from seeds `seed`, `seed + 1`, ...; `progress` is told of each. */
export function runRandomWorkloads(
  base: Workload,
  k: number,
  seed: number,
  warmup: number,
  progress?: (done: number) => void,
): RandomWorkloadResult[] {
  const out: RandomWorkloadResult[] = [];
  for (let i = 0; i < k; i++) {
    out.push(runRandomWorkload(randomWorkload(base, seed + i), warmup));
    progress?.(i + 1);
  }
  return out;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] ?? NaN) : ((s[mid - 1] ?? NaN) + (s[mid] ?? NaN)) / 2;
}

/** Median and worst case of each metric for one strategy. */
export interface RandomSummary {
  readonly name: string;
  readonly saving: { median: number; worst: number };
  readonly successLoss: { median: number; worst: number };
  readonly escapeRatio: { median: number; worst: number };
  readonly oracleRatio: { median: number; worst: number };
}

/** Per strategy, the median and worst (lowest saving, highest loss and ratios) over workloads. */
export function summarise(runs: readonly RandomWorkloadResult[]): RandomSummary[] {
  const names = runs[0]?.rows.map((r) => r.name) ?? [];
  return names.map((name) => {
    const rows = runs.flatMap((run) => run.rows.filter((r) => r.name === name));
    const of = (f: (r: RandomRow) => number, worst: (xs: number[]) => number) => {
      const xs = rows.map(f);
      return { median: median(xs), worst: worst(xs) };
    };
    const max = (xs: number[]): number => Math.max(...xs);
    const min = (xs: number[]): number => Math.min(...xs);
    return {
      name,
      saving: of((r) => r.saving, min),
      successLoss: of((r) => r.successLoss, max),
      escapeRatio: of((r) => r.escapeRatio, max),
      oracleRatio: of((r) => r.oracleRatio, max),
    };
  });
}

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

/** The summary as a text table: median / worst of each metric. */
export function formatRandomTable(summary: readonly RandomSummary[]): string {
  const header = [
    "strategy",
    "saving med/worst",
    "success loss pts",
    "escapes x base",
    "x eq-oracle",
  ];
  const rows = summary.map((s) => [
    s.name,
    `${pct(s.saving.median)} / ${pct(s.saving.worst)}`,
    `${s.successLoss.median.toFixed(1)} / ${s.successLoss.worst.toFixed(1)}`,
    `${s.escapeRatio.median.toFixed(2)} / ${s.escapeRatio.worst.toFixed(2)}`,
    `${s.oracleRatio.median.toFixed(2)} / ${s.oracleRatio.worst.toFixed(2)}`,
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

/** The issue's targets on random workloads: a line per learned row, with a verdict. */
export function randomTargetLines(summary: readonly RandomSummary[]): string[] {
  const mark = (ok: boolean): string => (ok ? "met" : "NOT met");
  const lines: string[] = [];
  const warm = summary.find((s) => s.name === "learned (warm)");
  if (warm) {
    const checks = [
      [
        `cost ${warm.oracleRatio.median.toFixed(2)}x eq-oracle median (<= 1.15)`,
        warm.oracleRatio.median <= 1.15,
      ],
      [`${warm.oracleRatio.worst.toFixed(2)}x worst (<= 1.30)`, warm.oracleRatio.worst <= 1.3],
      [
        `success loss ${warm.successLoss.worst.toFixed(1)} pts worst (<= 2)`,
        warm.successLoss.worst <= 2,
      ],
      [
        `escapes ${warm.escapeRatio.worst.toFixed(2)}x Claude-only worst (<= 1.25)`,
        warm.escapeRatio.worst <= 1.25,
      ],
    ] as const;
    lines.push(
      `targets for learned (warm): ${checks.map(([t, ok]) => `${t}: ${mark(ok)}`).join("; ")}`,
    );
  }
  const cold = summary.find((s) => s.name === "learned (cold)");
  if (cold) {
    const ok = cold.oracleRatio.median <= 1.3;
    lines.push(
      `targets for learned (cold): cost ${cold.oracleRatio.median.toFixed(2)}x eq-oracle median (<= 1.30): ${mark(ok)}`,
    );
  }
  const all = lines.every((l) => !l.includes("NOT met"));
  lines.push(`verdict: ${all ? "PASS" : "FAIL"}`);
  return lines;
}
