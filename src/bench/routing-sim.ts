/**
 * The simulator of bench/routing: runs the workload's steps under several routing strategies.
 * Every strategy meets the same steps and the same per-attempt draws (common random numbers),
 * so differences come from the routing alone. An attempt by model m passes (review and gate)
 * when the step's draw for that attempt is below m's ground-truth probability; it costs the
 * implementer's tokens on m plus a code review by the reviewer the rules pick for m's family.
 */
import type { ModelSpec, ModelsConfig } from "../core/project-config.js";
import { costOf } from "../providers/cost.js";
import { authorCandidates } from "../routing/cross-review.js";
import { nextOnLadder } from "../routing/escalation-ladder.js";
import { RoutingHistory } from "../routing/history.js";
import { routeLearned } from "../routing/learned-router.js";
import type { LearnedRouterOptions } from "../routing/learned-router.js";
import { seededRng } from "../routing/rng.js";
import { routeByRules } from "../routing/rule-router.js";
import type { RouteRequest } from "../routing/rule-router.js";
import type { SimStep, Workload } from "./routing-workload.js";
import { generateSteps, successProbability, toUsage, workloadConfig } from "./routing-workload.js";

/** The outcome of one strategy over the whole workload. */
export interface StrategyResult {
  readonly name: string;
  readonly steps: number;
  readonly successes: number;
  readonly attempts: number;
  readonly implementerUsd: number;
  readonly reviewUsd: number;
  readonly totalUsd: number;
  /** Attempts per implementer model. */
  readonly modelUse: Readonly<Record<string, number>>;
  /** First-attempt decisions per mode (learned strategy only). */
  readonly modes: Readonly<Record<string, number>>;
}

/** A routing strategy as the simulator drives it. */
export interface Strategy {
  readonly name: string;
  /** The implementer of a step's first attempt, and how it was chosen. */
  first(step: SimStep): { model: ModelSpec; mode?: string };
  /** The implementer of the next attempt after `failed` failed. */
  retry(step: SimStep, failed: ModelSpec): ModelSpec;
  /** Told the outcome of every attempt, for strategies that learn. */
  learn?(step: SimStep, model: ModelSpec, success: boolean, costUsd: number): void;
  /** A fixed reviewer for every attempt; default: the rules' reviewer of another family. */
  readonly reviewer?: ModelSpec;
}

/** What every strategy and the oracle need: the workload and its routing configuration. */
export interface SimContext {
  readonly workload: Workload;
  readonly config: ModelsConfig;
}

export function simContext(workload: Workload): SimContext {
  return { workload, config: workloadConfig(workload) };
}

function request(step: SimStep): RouteRequest {
  return { role: "implementer", risk: step.risk, area: step.area, stepType: step.stepType };
}

function model(ctx: SimContext, name: string): ModelSpec {
  const m = ctx.config.models.get(name);
  if (!m) throw new Error(`unknown model ${name}`);
  return m;
}

/** The cost of one attempt: the implementer's tokens, and the cross-family code review. */
export function attemptCost(
  ctx: SimContext,
  step: SimStep,
  author: ModelSpec,
  reviewer?: ModelSpec,
): { implementer: number; review: number } {
  const by =
    reviewer ??
    routeByRules(ctx.config, {
      ...request(step),
      role: "code_reviewer",
      authorFamily: author.family,
    }).model;
  return {
    implementer: costOf(step.tokens, author.price),
    review: costOf(step.reviewTokens, by.price),
  };
}

function passes(ctx: SimContext, step: SimStep, m: ModelSpec, attempt: number): boolean {
  return (
    (step.draws[attempt] ?? 1) < successProbability(ctx.workload, m.name, step.area, step.risk)
  );
}

class Tally {
  successes = 0;
  attempts = 0;
  implementerUsd = 0;
  reviewUsd = 0;
  readonly modelUse: Record<string, number> = {};
  readonly modes: Record<string, number> = {};

  pay(m: ModelSpec, cost: { implementer: number; review: number }): void {
    this.attempts += 1;
    this.implementerUsd += cost.implementer;
    this.reviewUsd += cost.review;
    this.modelUse[m.name] = (this.modelUse[m.name] ?? 0) + 1;
  }

  result(name: string, steps: number): StrategyResult {
    const { successes, attempts, implementerUsd, reviewUsd, modelUse, modes } = this;
    const totalUsd = implementerUsd + reviewUsd;
    return {
      name,
      steps,
      successes,
      attempts,
      implementerUsd,
      reviewUsd,
      totalUsd,
      modelUse,
      modes,
    };
  }
}

/** Runs one strategy over the steps: up to `max_attempts` attempts per step. */
export function runStrategy(
  ctx: SimContext,
  steps: readonly SimStep[],
  strategy: Strategy,
): StrategyResult {
  const tally = new Tally();
  for (const step of steps) {
    const first = strategy.first(step);
    if (first.mode !== undefined) tally.modes[first.mode] = (tally.modes[first.mode] ?? 0) + 1;
    let current = first.model;
    for (let attempt = 0; attempt < ctx.workload.max_attempts; attempt++) {
      const cost = attemptCost(ctx, step, current, strategy.reviewer);
      tally.pay(current, cost);
      const ok = passes(ctx, step, current, attempt);
      strategy.learn?.(step, current, ok, cost.implementer);
      if (ok) {
        tally.successes += 1;
        break;
      }
      current = strategy.retry(step, current);
    }
  }
  return tally.result(strategy.name, steps.length);
}

/**
 * The oracle knows every draw: at each attempt it uses the cheapest model that will pass; when
 * none will, it spends the cheapest failing attempt and goes on to the next draw.
 */
export function runOracle(ctx: SimContext, steps: readonly SimStep[]): StrategyResult {
  const tally = new Tally();
  for (const step of steps) {
    const byCost = authorCandidates(ctx.config, request(step))
      .map((m) => ({ m, cost: attemptCost(ctx, step, m) }))
      .sort((a, b) => a.cost.implementer + a.cost.review - (b.cost.implementer + b.cost.review));
    for (let attempt = 0; attempt < ctx.workload.max_attempts; attempt++) {
      const winner = byCost.find((c) => passes(ctx, step, c.m, attempt));
      const paid = winner ?? byCost[0];
      if (paid === undefined) break;
      tally.pay(paid.m, paid.cost);
      if (winner) {
        tally.successes += 1;
        break;
      }
    }
  }
  return tally.result("oracle", steps.length);
}

/**
 * Always the baseline model (the seed compares with "Claude-only (all Sonnet)"), retried on
 * itself, reviewed by the workload's baseline reviewer (or the rules' one).
 */
export function baselineStrategy(ctx: SimContext): Strategy {
  const { implementer, reviewer } = ctx.workload.baseline;
  const m = model(ctx, implementer);
  return {
    name: `${implementer.replace(/_.*/, "")}-only`,
    first: () => ({ model: m }),
    retry: () => m,
    ...(reviewer === undefined ? {} : { reviewer: model(ctx, reviewer) }),
  };
}

/** The seed's matrix; a failed attempt is retried on the same model (or up the ladder). */
export function rulesStrategy(ctx: SimContext, ladder: boolean): Strategy {
  return {
    name: ladder ? "rules+ladder" : "rules",
    first: (step) => ({ model: routeByRules(ctx.config, request(step)).model }),
    retry: (step, failed) =>
      ladder ? nextOnLadder(ctx.config, ctx.workload.ladder, failed, request(step)).model : failed,
  };
}

/** The learned router, learning online from every attempt; retries go up the ladder. */
export function learnedStrategy(ctx: SimContext, seed: number): Strategy {
  const history = new RoutingHistory();
  const l = ctx.workload.learned;
  const options: LearnedRouterOptions = {
    rng: seededRng(seed),
    minSamples: l.min_samples,
    successThreshold: l.success_threshold,
    costWeight: l.cost_weight,
    explore: l.explore,
    priorWeight: l.prior_weight,
    reviewUsage: toUsage(ctx.workload.review.tokens),
  };
  return {
    name: "learned",
    first: (step) => {
      const d = routeLearned(ctx.config, history, request(step), options);
      return { model: d.model, mode: d.mode };
    },
    retry: (step, failed) =>
      nextOnLadder(ctx.config, ctx.workload.ladder, failed, request(step)).model,
    learn: (step, m, success, costUsd) => {
      history.record(
        {
          role: "implementer",
          model: m.name,
          area: step.area,
          risk: step.risk,
          stepType: step.stepType,
        },
        { success, costUsd, durationMs: 0, tokens: step.tokens },
      );
    },
  };
}

/** The ladder of implementers a strategy starting on `first` would use, attempt by attempt. */
function ladderFrom(ctx: SimContext, step: SimStep, first: ModelSpec): ModelSpec[] {
  const seq = [first];
  while (seq.length < ctx.workload.max_attempts) {
    const last = seq[seq.length - 1] ?? first;
    seq.push(nextOnLadder(ctx.config, ctx.workload.ladder, last, request(step)).model);
  }
  return seq;
}

/** Expected cost and success chance of a sequence of attempts, from the true probabilities. */
function expectation(
  ctx: SimContext,
  step: SimStep,
  seq: readonly ModelSpec[],
): { cost: number; success: number } {
  let reach = 1;
  let cost = 0;
  for (const m of seq) {
    const c = attemptCost(ctx, step, m);
    cost += reach * (c.implementer + c.review);
    reach *= 1 - successProbability(ctx.workload, m.name, step.area, step.risk);
  }
  return { cost, success: 1 - reach };
}

/**
 * The best a router can do without seeing the draws: it KNOWS each model's true probability
 * and starts every step on the model with the lowest expected cost (retries up the ladder)
 * whose chance of success is within half a point of the baseline's.
 */
export function prescientStrategy(ctx: SimContext): Strategy {
  const base = model(ctx, ctx.workload.baseline.implementer);
  return {
    name: "prescient",
    first: (step) => {
      const target = expectation(
        ctx,
        step,
        Array.from({ length: ctx.workload.max_attempts }, () => base),
      ).success;
      const options = authorCandidates(ctx.config, request(step)).map((m) => ({
        m,
        e: expectation(ctx, step, ladderFrom(ctx, step, m)),
      }));
      const good = options.filter((o) => o.e.success >= target - 0.005);
      const pool = good.length > 0 ? good : options;
      const pick = pool.reduce((a, o) => (o.e.cost < a.e.cost ? o : a));
      return { model: pick.m };
    },
    retry: (step, failed) =>
      nextOnLadder(ctx.config, ctx.workload.ladder, failed, request(step)).model,
  };
}

/** Every strategy over the workload's steps, the oracle last. */
export function simulate(workload: Workload, seed = workload.seed): StrategyResult[] {
  const ctx = simContext(workload);
  const steps = generateSteps(workload, seed);
  return [
    runStrategy(ctx, steps, baselineStrategy(ctx)),
    runStrategy(ctx, steps, rulesStrategy(ctx, false)),
    runStrategy(ctx, steps, rulesStrategy(ctx, true)),
    runStrategy(ctx, steps, learnedStrategy(ctx, seed + 1)),
    runStrategy(ctx, steps, prescientStrategy(ctx)),
    runOracle(ctx, steps),
  ];
}
