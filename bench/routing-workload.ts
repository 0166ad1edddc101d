/**
 * The workload of bench/routing: models with prices and families, the ground truth (each
 * model's chance that its change is correct, each reviewer's chance to catch a flawed change
 * or to reject a good one, the gate's chance to catch a flaw the review let through, by area
 * and risk), and the steps to run, listed or generated from a seed. The format is documented
 * in bench/routing/README.md.
 */
import { z } from "zod";
import { RawRuleSchema } from "../src/config/file-schemas.js";
import type { TokenUsage } from "../src/core/events.js";
import type { ModelsConfig } from "../src/core/project-config.js";
import { TIERS } from "../src/core/project-config.js";
import { RISKS } from "../src/core/task.js";
import type { Risk } from "../src/core/task.js";
import type { Rng } from "../src/routing/rng.js";
import { seededRng } from "../src/routing/rng.js";
import { modelsConfigFromRaw } from "../src/config/index.js";

const count = z.number().int().nonnegative();
const probability = z.number().min(0).max(1);

const TokensSchema = z.strictObject({
  input: count,
  output: count,
  cache_read: count.default(0),
  cache_write: count.default(0),
});

const BenchModelSchema = z.strictObject({
  family: z.string().min(1),
  tier: z.enum(TIERS),
  /** USD per million tokens. */
  price: z.strictObject({
    input: z.number().nonnegative(),
    output: z.number().nonnegative(),
    cache_read: z.number().nonnegative().default(0),
    cache_write: z.number().nonnegative().default(0),
  }),
});

/** Success probability per risk; a partial entry falls back to the model's `*` entry. */
const ByRiskSchema = z.partialRecord(z.enum(RISKS), probability);

const StepSchema = z.strictObject({
  area: z.string().min(1),
  risk: z.enum(RISKS),
  step_type: z.string().min(1),
  /** Tokens of one implementer attempt. */
  tokens: TokensSchema,
});

const MixEntrySchema = StepSchema.extend({ weight: z.number().positive() });

const LearnedSchema = z.strictObject({
  min_samples: z.number().int().positive().optional(),
  success_threshold: probability.optional(),
  confidence: z.number().nonnegative().optional(),
  explore: probability.optional(),
  prior_weight: z.number().nonnegative().optional(),
  tolerance: probability.optional(),
  success_value: z.number().positive().optional(),
  leak_penalty: z.number().nonnegative().optional(),
  explore_reviewer: probability.optional(),
});

/** A code reviewer's ground truth: chance to catch a flawed change, to reject a good one. */
const ReviewQualitySchema = z.strictObject({
  /** area (or `*`) -> risk -> probability that a flawed change is sent back. */
  catch: z.record(z.string(), ByRiskSchema),
  /** Probability that a correct change is sent back anyway (default 0). */
  false_reject: probability.default(0),
});

const BaselineSchema = z.strictObject({
  /** The single model of the baseline setup. */
  implementer: z.string().min(1),
  /** Who reviews its work: a model name, or omitted for the rules' cross-family reviewer. */
  reviewer: z.string().min(1).optional(),
});

export const WorkloadSchema = z
  .strictObject({
    $schema: z.string().optional(),
    description: z.string().optional(),
    seed: z.number().int(),
    models: z.record(z.string(), BenchModelSchema),
    /** Rules in `model_config.yaml` form; default: the seed's matrix. */
    rules: z.array(RawRuleSchema).min(1).optional(),
    baseline: BaselineSchema,
    ladder: z.array(z.string().min(1)).min(1),
    max_attempts: z.number().int().positive().default(3),
    /** Tokens of one code review, per attempt. */
    review: z.strictObject({ tokens: TokensSchema }),
    /** Ground truth: model -> area (or `*`) -> risk -> probability the change is correct. */
    success: z.record(z.string(), z.record(z.string(), ByRiskSchema)),
    /** Ground truth of reviewers; a model not listed catches every flaw and rejects nothing. */
    review_quality: z.record(z.string(), ReviewQualitySchema).default({}),
    /** Factor on a reviewer's catch chance when it is of the author's family (shared blind spots). */
    same_family_catch: probability.default(1),
    /** The gate: area (or `*`) -> chance it fails a flawed change the review approved. */
    gate: z.strictObject({ catch: z.record(z.string(), probability) }).default({
      catch: { "*": 1 },
    }),
    /** Success the oracle may give up per cell against the baseline (default 0). */
    oracle: z.strictObject({ tolerance: probability.default(0) }).default({ tolerance: 0 }),
    /** How far each step's token counts stray from its entry, e.g. 0.4 for ±40%. */
    token_jitter: z.number().min(0).max(0.9).default(0),
    steps: z.union([
      z.array(StepSchema).min(1),
      z.strictObject({ count: z.number().int().positive(), mix: z.array(MixEntrySchema).min(1) }),
    ]),
    learned: LearnedSchema.default({}),
  })
  .superRefine((w, ctx) => {
    const known = (name: string, path: (string | number)[]): void => {
      if (!Object.hasOwn(w.models, name))
        ctx.addIssue({ code: "custom", path, message: `unknown model "${name}"` });
    };
    known(w.baseline.implementer, ["baseline", "implementer"]);
    if (w.baseline.reviewer !== undefined) known(w.baseline.reviewer, ["baseline", "reviewer"]);
    for (const [i, name] of w.ladder.entries()) known(name, ["ladder", i]);
    for (const name of Object.keys(w.review_quality)) known(name, ["review_quality", name]);
    for (const name of Object.keys(w.models)) {
      if (!Object.hasOwn(w.success, name))
        ctx.addIssue({
          code: "custom",
          path: ["success"],
          message: `no success probabilities for "${name}"`,
        });
    }
  });
export type Workload = z.output<typeof WorkloadSchema>;

/** One step of the simulation with its fate decided in advance (common random numbers). */
export interface SimStep {
  readonly index: number;
  readonly area: string;
  readonly risk: Risk;
  readonly stepType: string;
  readonly tokens: TokenUsage;
  readonly reviewTokens: TokenUsage;
  /** The uniform draws of each attempt, shared by every strategy (common random numbers). */
  readonly draws: readonly AttemptDraws[];
}

/**
 * One attempt's fate. The change by author a is correct when `correct < p(a)`; a reviewer r
 * sends a correct change back when `falseReject < false_reject(r)` and catches a flawed one
 * when `caught < catch(r)`; the gate fails a flawed change that was approved when
 * `gate < catch(gate)`.
 */
export interface AttemptDraws {
  readonly correct: number;
  readonly caught: number;
  readonly falseReject: number;
  readonly gate: number;
}

/** Parses and validates a workload file's text; errors name the field. */
export function parseWorkload(text: string): Workload {
  const result = WorkloadSchema.safeParse(JSON.parse(text));
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join(".") || "(root)"}: ${i.message}`);
    throw new Error(`invalid routing workload:\n${lines.join("\n")}`);
  }
  return result.data;
}

/** The workload's models, rules and ladder as a routing configuration (cross-review on). */
export function workloadConfig(w: Workload): ModelsConfig {
  const models = Object.fromEntries(
    Object.entries(w.models).map(([name, m]) => [
      name,
      {
        provider: "scripted" as const,
        model: name,
        family: m.family,
        tier: m.tier,
        price: m.price,
        args: [],
        env: {},
        timeout: "15m",
      },
    ]),
  );
  const config = modelsConfigFromRaw(models, w.rules);
  return { ...config, routing: { ...config.routing, ladder: w.ladder } };
}

const own = <T>(record: Readonly<Record<string, T>> | undefined, key: string): T | undefined =>
  record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;

/** The ground truth: the chance that a change by `model` is correct. */
export function successProbability(w: Workload, model: string, area: string, risk: Risk): number {
  const table = own(w.success, model);
  return own(table, area)?.[risk] ?? own(table, "*")?.[risk] ?? 0;
}

/** The chance that `reviewer` sends back a flawed change (unlisted reviewers: 1). */
export function catchProbability(
  w: Workload,
  reviewer: string,
  area: string,
  risk: Risk,
  sameFamily: boolean,
): number {
  const quality = own(w.review_quality, reviewer);
  if (quality === undefined) return 1;
  const p = own(quality.catch, area)?.[risk] ?? own(quality.catch, "*")?.[risk] ?? 1;
  return sameFamily ? p * w.same_family_catch : p;
}

/** The chance that `reviewer` sends back a correct change. */
export function falseRejectProbability(w: Workload, reviewer: string): number {
  return own(w.review_quality, reviewer)?.false_reject ?? 0;
}

/** The chance that the gate fails a flawed change in `area`. */
export function gateCatchProbability(w: Workload, area: string): number {
  return own(w.gate.catch, area) ?? own(w.gate.catch, "*") ?? 1;
}

/** A workload token entry as normalised usage. */
export function toUsage(t: z.output<typeof TokensSchema>): TokenUsage {
  return scaled(t, 1);
}

function scaled(t: z.output<typeof TokensSchema>, factor: number): TokenUsage {
  const f = (n: number): number => Math.round(n * factor);
  return {
    input: f(t.input),
    output: f(t.output),
    cacheRead: f(t.cache_read),
    cacheWrite: f(t.cache_write),
  };
}

function pick<T extends { weight: number }>(entries: readonly T[], rng: Rng): T {
  const total = entries.reduce((s, e) => s + e.weight, 0);
  let x = rng() * total;
  for (const e of entries) {
    x -= e.weight;
    if (x < 0) return e;
  }
  const last = entries[entries.length - 1];
  if (last === undefined) throw new Error("empty mix");
  return last;
}

/** The workload's steps, listed or drawn from its mix, each with its attempt draws. */
export function generateSteps(w: Workload, seed = w.seed): SimStep[] {
  const rng = seededRng(seed);
  const spec = w.steps;
  const list: readonly z.output<typeof StepSchema>[] =
    "mix" in spec ? Array.from({ length: spec.count }, () => pick(spec.mix, rng)) : spec;
  return list.map((s, index) => {
    const factor = 1 + w.token_jitter * (2 * rng() - 1);
    return {
      index,
      area: s.area,
      risk: s.risk,
      stepType: s.step_type,
      tokens: scaled(s.tokens, factor),
      reviewTokens: scaled(w.review.tokens, factor),
      draws: Array.from({ length: w.max_attempts }, () => ({
        correct: rng(),
        caught: rng(),
        falseReject: rng(),
        gate: rng(),
      })),
    };
  });
}
