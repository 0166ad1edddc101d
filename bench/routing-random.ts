/**
 * Random workloads for bench/routing (`--random-workloads K`): the default workload's models,
 * prices, families, ladder and baseline, with the ground truth and the task mix drawn at random
 * from the distribution documented in bench/routing/README.md ("Random workloads"). A learned
 * router tuned on one workload has to hold on these.
 */
import type { Risk } from "../src/core/task.js";
import { RISKS } from "../src/core/task.js";
import type { Rng } from "../src/routing/rng.js";
import { seededRng } from "../src/routing/rng.js";
import type { Workload } from "./routing-workload.js";
import { WorkloadSchema } from "./routing-workload.js";

/** The areas of a random workload (`*` covers none: every area is listed). */
export const RANDOM_AREAS = ["core", "api", "services", "math", "tests", "docs"] as const;

const uniform = (rng: Rng, lo: number, hi: number): number => lo + (hi - lo) * rng();

/** An approximately normal draw (sum of four uniforms), mean 0 and standard deviation `sd`. */
const noise = (rng: Rng, sd: number): number =>
  (rng() + rng() + rng() + rng() - 2) * sd * Math.sqrt(3);

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

/** Ranges per tier of the logit-scale draws (see the README's table). */
const TIER_DRAWS = {
  cheap: {
    ability: [-0.5, 2.6],
    sensitivity: [1.0, 1.6],
    review: [-0.7, 1.5],
    reject: [0.03, 0.12],
  },
  medium: {
    ability: [0.8, 3.0],
    sensitivity: [0.8, 1.3],
    review: [0.3, 2.0],
    reject: [0.02, 0.08],
  },
  strong: {
    ability: [2.0, 3.6],
    sensitivity: [0.6, 1.0],
    review: [1.0, 2.5],
    reject: [0.01, 0.05],
  },
} as const;

type Range = readonly [number, number];
const draw = (rng: Rng, [lo, hi]: Range): number => uniform(rng, lo, hi);

/**
 * A workload drawn from `seed`: per model (by its tier) an ability, a sensitivity to risk and
 * a review ability; per area a difficulty and a gate catch rate; per risk a penalty; noise per
 * (model, area, risk). A change by model m in area a at risk r is correct with probability
 * sigmoid(ability_m − difficulty_a − penalty_r · sensitivity_m + noise). The task mix keeps a
 * random subset of the (area, risk) cells with random weights and token sizes.
 */
export function randomWorkload(base: Workload, seed: number): Workload {
  const rng = seededRng(seed);
  const difficulty = Object.fromEntries(RANDOM_AREAS.map((a) => [a, uniform(rng, -0.8, 0.8)]));
  const reviewDifficulty = Object.fromEntries(
    RANDOM_AREAS.map((a) => [a, uniform(rng, -0.5, 0.5)]),
  );
  const penalty: Record<Risk, number> = {
    low: 0,
    medium: uniform(rng, 0.3, 0.8),
    high: uniform(rng, 0.9, 2.0),
  };
  const reviewPenalty: Record<Risk, number> = {
    low: 0,
    medium: uniform(rng, 0, 0.4),
    high: uniform(rng, 0.2, 0.8),
  };
  const success: Record<string, Record<string, Partial<Record<Risk, number>>>> = {};
  const reviewQuality: Record<
    string,
    { catch: Record<string, Partial<Record<Risk, number>>>; false_reject: number }
  > = {};
  for (const [name, m] of Object.entries(base.models)) {
    const t = TIER_DRAWS[m.tier];
    const ability = draw(rng, t.ability);
    const sensitivity = draw(rng, t.sensitivity);
    const review = draw(rng, t.review);
    const table: Record<string, Partial<Record<Risk, number>>> = {};
    const catches: Record<string, Partial<Record<Risk, number>>> = {};
    for (const area of RANDOM_AREAS) {
      table[area] = {};
      catches[area] = {};
      for (const risk of RISKS) {
        const logit =
          ability - (difficulty[area] ?? 0) - penalty[risk] * sensitivity + noise(rng, 0.35);
        table[area][risk] = round3(clamp(sigmoid(logit), 0.02, 0.995));
        const c = review - (reviewDifficulty[area] ?? 0) - reviewPenalty[risk] + noise(rng, 0.3);
        catches[area][risk] = round3(clamp(sigmoid(c), 0.2, 0.97));
      }
    }
    success[name] = table;
    reviewQuality[name] = { catch: catches, false_reject: round3(draw(rng, t.reject)) };
  }
  const gate = Object.fromEntries(RANDOM_AREAS.map((a) => [a, round3(uniform(rng, 0.1, 0.9))]));
  const cells = RANDOM_AREAS.flatMap((area) => RISKS.map((risk) => ({ area, risk })));
  let mix = cells.filter(() => rng() < 0.6);
  if (mix.length < 3) mix = cells.slice(0, 3);
  const highShare = uniform(rng, 0.1, 0.6);
  const count = "mix" in base.steps ? base.steps.count : base.steps.length;
  return WorkloadSchema.parse({
    description: `random workload ${seed}`,
    seed,
    models: base.models,
    ...(base.rules === undefined ? {} : { rules: base.rules }),
    baseline: base.baseline,
    ladder: base.ladder,
    max_attempts: base.max_attempts,
    review: base.review,
    token_jitter: 0.4,
    success,
    review_quality: reviewQuality,
    same_family_catch: round3(uniform(rng, 0.6, 1)),
    gate: { catch: gate },
    steps: {
      count,
      mix: mix.map(({ area, risk }) => ({
        area,
        risk,
        step_type: "implementation",
        weight: round3(-Math.log(1 - rng()) * (risk === "high" ? highShare : 1) + 0.01),
        tokens: {
          input: Math.round(uniform(rng, 6000, 30000)),
          output: Math.round(uniform(rng, 1000, 7000)),
        },
      })),
    },
    learned: base.learned,
  });
}
