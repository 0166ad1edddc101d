/**
 * The simulator of bench/routing: runs the workload's steps under several routing strategies.
 * Every strategy meets the same steps and the same per-attempt draws (common random numbers),
 * so differences come from the routing alone.
 *
 * An attempt is an author's change plus a code review by a model of another family (the
 * Claude-only baseline excepted), then the gate. The simulator knows whether the change is
 * actually correct; the strategies see only what the engine sees: the review's verdict and,
 * after an approval, the gate's. A flawed change that the review approves and the gate passes
 * is committed: an escaped defect, and the step counts as FAILED for every strategy.
 */
import type { TokenUsage } from "../src/core/events.js";
import type { ModelSpec, ModelsConfig } from "../src/core/project-config.js";
import { costOf } from "../src/costs/price.js";
import { authorCandidates } from "../src/routing/cross-review.js";
import { nextOnLadder } from "../src/routing/escalation-ladder.js";
import { RoutingHistory } from "../src/routing/history.js";
import { routeLearned } from "../src/routing/learned-router.js";
import type { LearnedRouterOptions } from "../src/routing/learned-router.js";
import { seededRng } from "../src/routing/rng.js";
import { routeByRules } from "../src/routing/rule-router.js";
import type { RouteRequest } from "../src/routing/rule-router.js";
import type { SimStep, Workload } from "./routing-workload.js";
import {
  catchProbability,
  falseRejectProbability,
  gateCatchProbability,
  generateSteps,
  successProbability,
  toUsage,
  workloadConfig,
} from "./routing-workload.js";

/** How one attempt ended. Only `escaped` differs from what the engine would record. */
export type AttemptOutcome = "committed" | "rejected" | "gate_failed" | "escaped";

/**
 * What the event log holds of an attempt: the review's verdict and, after an approval, the
 * gate's. A committed correct change and an escaped defect both read `passed`.
 */
export type Observed = "rejected" | "gate_failed" | "passed";

/** The outcome as the engine sees it. */
export function observe(outcome: AttemptOutcome): Observed {
  return outcome === "committed" || outcome === "escaped" ? "passed" : outcome;
}

/** A step as a strategy sees it: its situation and size, not its draws. */
export type StepView = Omit<SimStep, "draws">;

function viewOf(step: SimStep): StepView {
  const { draws: _draws, ...view } = step;
  return view;
}

/** The outcome of one strategy over the whole workload. */
export interface StrategyResult {
  readonly name: string;
  readonly steps: number;
  /** Steps whose committed change is correct. */
  readonly successes: number;
  /** Steps that committed a flawed change (review and gate both missed it). */
  readonly escapes: number;
  readonly attempts: number;
  readonly implementerUsd: number;
  readonly reviewUsd: number;
  readonly totalUsd: number;
  /** Attempts per implementer model. */
  readonly modelUse: Readonly<Record<string, number>>;
  /** Reviews per code-reviewer model. */
  readonly reviewerUse: Readonly<Record<string, number>>;
  /** First-attempt decisions per mode (learned strategy only). */
  readonly modes: Readonly<Record<string, number>>;
}

/** The author and the code reviewer of one attempt. */
export interface Pair {
  readonly author: ModelSpec;
  readonly reviewer: ModelSpec;
  /** How the author was chosen (learned strategy), counted on first attempts. */
  readonly mode?: string;
}

/** A routing strategy as the simulator drives it. */
export interface Strategy {
  readonly name: string;
  /** The pair for attempt `attempt` (0-based); `previous` is the failed attempt's pair. */
  choose(step: StepView, attempt: number, previous: Pair | undefined): Pair;
  /** Told what the engine would see of every attempt, for strategies that learn. */
  learn?(step: StepView, pair: Pair, observed: Observed): void;
}

/** What every strategy and the oracle need: the workload and its routing configuration. */
export interface SimContext {
  readonly workload: Workload;
  readonly config: ModelsConfig;
}

export function simContext(workload: Workload): SimContext {
  return { workload, config: workloadConfig(workload) };
}

function request(step: Pick<SimStep, "area" | "risk" | "stepType">): RouteRequest {
  return { role: "implementer", risk: step.risk, area: step.area, stepType: step.stepType };
}

function model(ctx: SimContext, name: string): ModelSpec {
  const m = ctx.config.models.get(name);
  if (!m) throw new Error(`unknown model ${name}`);
  return m;
}

/** The reviewer the rules pick for an author's change (another family). */
function rulesReviewer(ctx: SimContext, step: StepView, author: ModelSpec): ModelSpec {
  return routeByRules(ctx.config, {
    ...request(step),
    role: "code_reviewer",
    authorFamily: author.family,
  }).model;
}

/** The cost of one attempt: the implementer's tokens and the code review's. */
export function attemptCost(
  step: Pick<SimStep, "tokens" | "reviewTokens">,
  author: ModelSpec,
  reviewer: ModelSpec,
): { implementer: number; review: number } {
  return {
    implementer: costOf(step.tokens, author.price),
    review: costOf(step.reviewTokens, reviewer.price),
  };
}

/** The ground-truth chances of one attempt by a pair in a step's situation. */
function chances(
  ctx: SimContext,
  step: Pick<SimStep, "area" | "risk">,
  pair: Pair,
): { correct: number; caught: number; falseReject: number; gate: number } {
  const w = ctx.workload;
  const same = pair.author.family === pair.reviewer.family;
  return {
    correct: successProbability(w, pair.author.name, step.area, step.risk),
    caught: catchProbability(w, pair.reviewer.name, step.area, step.risk, same),
    falseReject: falseRejectProbability(w, pair.reviewer.name),
    gate: gateCatchProbability(w, step.area),
  };
}

/** What attempt `k` of a step by a pair comes to, by the step's draws. */
export function attemptOutcome(
  ctx: SimContext,
  step: SimStep,
  pair: Pair,
  k: number,
): AttemptOutcome {
  const d = step.draws[k];
  if (d === undefined) return "rejected";
  const p = chances(ctx, step, pair);
  if (d.correct < p.correct) return d.falseReject < p.falseReject ? "rejected" : "committed";
  if (d.caught < p.caught) return "rejected";
  return d.gate < p.gate ? "gate_failed" : "escaped";
}

/** The chance that one attempt commits a correct change, and that it commits a flawed one. */
export function pairOdds(
  ctx: SimContext,
  step: Pick<SimStep, "area" | "risk">,
  pair: Pair,
): { success: number; escape: number } {
  const p = chances(ctx, step, pair);
  return {
    success: p.correct * (1 - p.falseReject),
    escape: (1 - p.correct) * (1 - p.caught) * (1 - p.gate),
  };
}

const add = (record: Record<string, number>, key: string, n = 1): void => {
  record[key] = (record[key] ?? 0) + n;
};

class Tally {
  successes = 0;
  escapes = 0;
  attempts = 0;
  implementerUsd = 0;
  reviewUsd = 0;
  readonly modelUse: Record<string, number> = {};
  readonly reviewerUse: Record<string, number> = {};
  readonly modes: Record<string, number> = {};

  pay(step: StepView, pair: Pair): void {
    const cost = attemptCost(step, pair.author, pair.reviewer);
    this.attempts += 1;
    this.implementerUsd += cost.implementer;
    this.reviewUsd += cost.review;
    add(this.modelUse, pair.author.name);
    add(this.reviewerUse, pair.reviewer.name);
  }

  result(name: string, steps: number): StrategyResult {
    return {
      name,
      steps,
      successes: this.successes,
      escapes: this.escapes,
      attempts: this.attempts,
      implementerUsd: this.implementerUsd,
      reviewUsd: this.reviewUsd,
      totalUsd: this.implementerUsd + this.reviewUsd,
      modelUse: this.modelUse,
      reviewerUse: this.reviewerUse,
      modes: this.modes,
    };
  }
}

/**
 * Runs one strategy over the steps: up to `max_attempts` attempts per step. A step ends at
 * the first commit (correct: a success; flawed: an escaped defect) or when attempts run out
 * (the engine would ask a human).
 */
export function runStrategy(
  ctx: SimContext,
  steps: readonly SimStep[],
  strategy: Strategy,
): StrategyResult {
  const tally = new Tally();
  for (const step of steps) {
    const view = viewOf(step);
    let previous: Pair | undefined;
    for (let k = 0; k < ctx.workload.max_attempts; k++) {
      const pair = strategy.choose(view, k, previous);
      if (k === 0 && pair.mode !== undefined) add(tally.modes, pair.mode);
      tally.pay(view, pair);
      const outcome = attemptOutcome(ctx, step, pair, k);
      strategy.learn?.(view, pair, observe(outcome));
      if (outcome === "committed") tally.successes += 1;
      if (outcome === "escaped") tally.escapes += 1;
      if (outcome === "committed" || outcome === "escaped") break;
      previous = pair;
    }
  }
  return tally.result(strategy.name, steps.length);
}

/** Every (author, reviewer of another family) pair of the configuration. */
function crossPairs(ctx: SimContext, step: StepView): Pair[] {
  const all = [...ctx.config.models.values()];
  return authorCandidates(ctx.config, request(step)).flatMap((author) =>
    all.filter((r) => r.family !== author.family).map((reviewer) => ({ author, reviewer })),
  );
}

/** Expected cost and success of a sequence of pairs (attempt 1, 2, ...) on a step. */
function expectation(
  ctx: SimContext,
  step: StepView,
  seq: readonly Pair[],
): { cost: number; success: number } {
  let reach = 1;
  let cost = 0;
  let success = 0;
  for (const pair of seq) {
    const c = attemptCost(step, pair.author, pair.reviewer);
    const odds = pairOdds(ctx, step, pair);
    cost += reach * (c.implementer + c.review);
    success += reach * odds.success;
    reach *= 1 - odds.success - odds.escape;
  }
  return { cost, success };
}

/** The situation of a step: the oracle's plan is the same for every step of a situation. */
const cellOf = (step: StepView): string => `${step.area}/${step.risk}/${step.stepType}`;

/** A fixed plan for a situation: the pair of each attempt, its expected cost and success. */
interface Plan {
  readonly seq: readonly Pair[];
  readonly cost: number;
  readonly success: number;
}

/** Every sequence of cross-family pairs over `max_attempts` attempts, with its expectation. */
function allPlans(ctx: SimContext, step: StepView): Plan[] {
  const n = ctx.workload.max_attempts;
  const pairs = crossPairs(ctx, step);
  const out: Plan[] = [];
  const visit = (seq: Pair[]): void => {
    if (seq.length === n) {
      out.push({ seq: [...seq], ...expectation(ctx, step, seq) });
      return;
    }
    for (const p of pairs) {
      seq.push(p);
      visit(seq);
      seq.pop();
    }
  };
  visit([]);
  return out;
}

/** A strategy that follows a fixed plan per situation. */
function planStrategy(name: string, plan: (step: StepView) => readonly Pair[]): Strategy {
  return {
    name,
    choose: (step, k) => {
      const seq = plan(step);
      const pair = seq[Math.min(k, seq.length - 1)];
      if (pair === undefined) throw new Error("empty oracle plan");
      return pair;
    },
  };
}

/**
 * The oracle: it KNOWS the ground truth (every model's and reviewer's probabilities, not the
 * draws) and, for each situation (area, risk, step type), uses the sequence of pairs (author
 * and cross-family reviewer for attempt 1, 2, ...) with the lowest expected cost whose
 * expected success (a correct change committed) is at least the baseline's in that situation,
 * less `oracle.tolerance`. It is the best fixed policy per situation in hindsight: the bound a
 * learning router is compared with (its regret), not a clairvoyant that sees each draw.
 */
export function oracleStrategy(ctx: SimContext): Strategy {
  const plans = new Map<string, readonly Pair[]>();
  const base = baselineStrategy(ctx);
  const plan = (step: StepView): readonly Pair[] => {
    const known = plans.get(cellOf(step));
    if (known) return known;
    const n = ctx.workload.max_attempts;
    const baseSeq = Array.from({ length: n }, (_, k) => base.choose(step, k, undefined));
    const target = expectation(ctx, step, baseSeq).success - ctx.workload.oracle.tolerance;
    let chosen: Plan = { seq: baseSeq, cost: Infinity, success: -1 };
    for (const p of allPlans(ctx, step)) {
      const meets = p.success >= target - 1e-12;
      const had = chosen.success >= target - 1e-12;
      if (meets ? !had || p.cost < chosen.cost : !had && p.success > chosen.success) chosen = p;
    }
    plans.set(cellOf(step), chosen.seq);
    return chosen.seq;
  };
  return planStrategy("oracle", plan);
}

/** The plans on a cell's lower-right frontier: none cheaper with at least its success. */
function frontier(plans: readonly Plan[]): Plan[] {
  const sorted = [...plans].sort((a, b) => a.cost - b.cost || b.success - a.success);
  const out: Plan[] = [];
  for (const p of sorted) {
    const last = out[out.length - 1];
    if (last === undefined || p.success > last.success + 1e-12) out.push(p);
  }
  return out;
}

/**
 * The equal-quality oracle: it KNOWS the ground truth and takes, per situation, the fixed plan
 * that makes the whole run's expected success (over these steps) at least `target`, for the
 * lowest expected cost: the cheapest way, in hindsight, to be as good as the policy compared.
 * Solved by a Lagrange multiplier on success (the smallest price of a point of success that
 * reaches the target), so each situation takes a plan on its cost/success frontier.
 */
export function equalQualityOracle(
  ctx: SimContext,
  steps: readonly SimStep[],
  target: number,
  name = "oracle=learned",
): Strategy {
  return equalQualityOracles(ctx, steps)(target, name);
}

/**
 * {@link equalQualityOracle} for any number of targets over the same steps: each situation's
 * cost/success frontier is computed once.
 */
export function equalQualityOracles(
  ctx: SimContext,
  steps: readonly SimStep[],
): (target: number, name: string) => Strategy {
  const cells = new Map<string, { count: number; plans: Plan[] }>();
  for (const step of steps) {
    const key = cellOf(step);
    const cell = cells.get(key);
    if (cell) cell.count += 1;
    else {
      // Plans are priced on this step's tokens; every step of the cell scales them alike.
      const view = viewOf(step);
      cells.set(key, { count: 1, plans: frontier(allPlans(ctx, view)) });
    }
  }
  const pick = (lambda: number): Map<string, Plan> => {
    const out = new Map<string, Plan>();
    for (const [key, cell] of cells) {
      let chosen: Plan | undefined;
      for (const p of cell.plans) {
        const value = p.cost - lambda * p.success;
        if (chosen === undefined || value < chosen.cost - lambda * chosen.success) chosen = p;
      }
      if (chosen) out.set(key, chosen);
    }
    return out;
  };
  const success = (chosen: Map<string, Plan>): number => {
    let sum = 0;
    for (const [key, cell] of cells) sum += cell.count * (chosen.get(key)?.success ?? 0);
    return sum / steps.length;
  };
  return (target, name) => {
    let lo = 0;
    let hi = 1;
    while (success(pick(hi)) < target && hi < 1e9) hi *= 2;
    for (let i = 0; i < 60; i++) {
      const mid = (lo + hi) / 2;
      if (success(pick(mid)) >= target) hi = mid;
      else lo = mid;
    }
    const plans = pick(hi);
    return planStrategy(name, (step) => plans.get(cellOf(step))?.seq ?? []);
  };
}

/**
 * A clairvoyant that sees every draw: at each attempt the cheapest pair that will commit a
 * correct change, else the cheapest that will not commit a flawed one. No router can do this;
 * it is shown as the floor.
 */
export function runClairvoyant(ctx: SimContext, steps: readonly SimStep[]): StrategyResult {
  const tally = new Tally();
  for (const step of steps) {
    const byCost = crossPairs(ctx, step)
      .map((p) => ({ p, cost: attemptCost(step, p.author, p.reviewer) }))
      .sort((a, b) => a.cost.implementer + a.cost.review - (b.cost.implementer + b.cost.review));
    for (let k = 0; k < ctx.workload.max_attempts; k++) {
      const outcome = (c: (typeof byCost)[number]): AttemptOutcome =>
        attemptOutcome(ctx, step, c.p, k);
      const winner = byCost.find((c) => outcome(c) === "committed");
      const paid = winner ?? byCost.find((c) => outcome(c) !== "escaped") ?? byCost[0];
      if (paid === undefined) break;
      tally.pay(step, paid.p);
      const o = outcome(paid);
      if (o === "committed") tally.successes += 1;
      if (o === "escaped") tally.escapes += 1;
      if (o === "committed" || o === "escaped") break;
    }
  }
  return tally.result("clairvoyant", steps.length);
}

/**
 * The Claude-only baseline (the seed's "Claude-only (all Sonnet)"): `baseline.implementer`
 * writes every change, retried on itself, and `baseline.reviewer` reviews it (the default
 * workload: Sonnet, one family, so the review shares the author's blind spots; omitted: the
 * rules' reviewer of another family).
 */
export function baselineStrategy(ctx: SimContext): Strategy {
  const { implementer, reviewer } = ctx.workload.baseline;
  const author = model(ctx, implementer);
  const fixed = reviewer === undefined ? undefined : model(ctx, reviewer);
  return {
    name: `${implementer.replace(/_.*/, "")}-only`,
    choose: (step) => ({ author, reviewer: fixed ?? rulesReviewer(ctx, step, author) }),
  };
}

/**
 * The seed's matrix: the rules pick the author and its cross-family reviewer; a failed attempt
 * is retried on the same model (or up the ladder).
 */
export function rulesStrategy(ctx: SimContext, ladder: boolean): Strategy {
  return {
    name: ladder ? "rules+ladder" : "rules",
    choose: (step, k, previous) => {
      const author =
        previous === undefined
          ? routeByRules(ctx.config, request(step)).model
          : ladder
            ? nextOnLadder(ctx.config, ctx.workload.ladder, previous.author, request(step)).model
            : previous.author;
      return { author, reviewer: rulesReviewer(ctx, step, author) };
    },
  };
}

/**
 * All the learned router is given: the routing configuration (models with prices and
 * families, rules, ladder), the attempt limit, a review's size and the router's settings. No
 * ground truth: the workload's `success`, `review_quality` and `gate` are not in it, and the
 * router learns only from what `learn` is told (the review's and the gate's verdicts).
 */
export interface RouterView {
  readonly config: ModelsConfig;
  readonly maxAttempts: number;
  readonly reviewTokens: TokenUsage;
  readonly settings: Workload["learned"];
}

/** The router's view of a workload. */
export function routerView(workload: Workload): RouterView {
  return {
    config: workloadConfig(workload),
    maxAttempts: workload.max_attempts,
    reviewTokens: toUsage(workload.review.tokens),
    settings: workload.learned,
  };
}

/** The router's settings from the workload's `learned` section. */
export function learnedOptions(view: RouterView, seed: number): LearnedRouterOptions {
  const l = view.settings;
  return {
    rng: seededRng(seed),
    minSamples: l.min_samples,
    successThreshold: l.success_threshold,
    confidence: l.confidence,
    attempts: view.maxAttempts,
    explore: l.explore,
    priorWeight: l.prior_weight,
    tolerance: l.tolerance,
    successValue: l.success_value,
    leakPenalty: l.leak_penalty,
    exploreReviewer: l.explore_reviewer,
    reviewUsage: view.reviewTokens,
  };
}

/** The learned strategy with the history it has built. */
export interface LearnedStrategy extends Strategy {
  readonly history: RoutingHistory;
}

/**
 * The product's learned router (`routeLearned`, as `strategy: learned` runs it), learning
 * online from what the engine records of every attempt: the author and the code reviewer are
 * both chosen from history for every attempt, retries included, as the engine does (the
 * ladder only when nothing is trusted). It sees only `view`, and of each attempt only what the event log would hold.
 */
export function learnedStrategy(view: RouterView, seed: number, name = "learned"): LearnedStrategy {
  const history = new RoutingHistory();
  const options = learnedOptions(view, seed);
  const { config } = view;
  return {
    name,
    history,
    choose: (step, k, previous) => {
      const req = request(step);
      // Every attempt is the learned policy's, as in the engine: the history holds the failed
      // attempt, and the ladder is climbed only when nothing is trusted.
      const decision = routeLearned(config, history, req, {
        ...options,
        attempts: view.maxAttempts - k,
        previous: previous?.author,
      });
      const author = decision.model;
      const reviewer = routeLearned(
        config,
        history,
        { ...req, role: "code_reviewer", authorFamily: author.family },
        options,
      ).model;
      return { author, reviewer, ...(k === 0 ? { mode: decision.mode } : {}) };
    },
    learn: (step, pair, observed) => {
      const key = { area: step.area, risk: step.risk, stepType: step.stepType };
      const passed = observed === "passed";
      const leak = observed === "gate_failed";
      history.record(
        { ...key, role: "implementer", model: pair.author.name },
        { success: passed, leak, costUsd: 0, durationMs: 0, tokens: step.tokens },
      );
      history.record(
        { ...key, role: "code_reviewer", model: pair.reviewer.name },
        { success: passed || leak, leak, costUsd: 0, durationMs: 0 },
      );
    },
  };
}

/** The seed of warm-up pass `i` (1-based): far from the measured runs' seeds. */
export const warmupSeed = (seed: number, i: number): number => seed + 100_000 * i;

/**
 * The learned router after `passes` earlier runs of the workload (other seeds: other steps,
 * other draws), as a team that has used it has: its history holds what the event log recorded
 * of those runs, nothing else. The warm-up's cost is not counted.
 */
export function warmLearnedStrategy(
  ctx: SimContext,
  seed: number,
  passes: number,
  name = "learned (warm)",
): LearnedStrategy {
  const strategy = learnedStrategy(routerView(ctx.workload), seed, name);
  for (let i = 1; i <= passes; i++) {
    runStrategy(ctx, generateSteps(ctx.workload, warmupSeed(seed, i)), strategy);
  }
  return strategy;
}

/** The name of the equal-quality oracle row held to a learned row's success. */
export function equalOracleName(learnedName: string): string {
  return `oracle=${/\((\w+)\)/.exec(learnedName)?.[1] ?? "learned"}`;
}

/** Options of a simulation. */
export interface SimulateOptions {
  /** Earlier runs of the workload the warm learned row has learned from (default 1; 0: none). */
  readonly warmup?: number | undefined;
}

/**
 * Every strategy over the workload's steps: the baseline, the rules, the learned policy from
 * no history (cold) and after `warmup` earlier runs (warm), the oracle held to the baseline's
 * success per situation, an equal-quality oracle held to each learned row's success, and the
 * clairvoyant.
 */
export function simulate(
  workload: Workload,
  seed = workload.seed,
  options: SimulateOptions = {},
): StrategyResult[] {
  const ctx = simContext(workload);
  const steps = generateSteps(workload, seed);
  const warmup = options.warmup ?? 1;
  const learned = [
    runStrategy(
      ctx,
      steps,
      learnedStrategy(routerView(workload), seed + 1, warmup > 0 ? "learned (cold)" : "learned"),
    ),
    ...(warmup > 0 ? [runStrategy(ctx, steps, warmLearnedStrategy(ctx, seed + 1, warmup))] : []),
  ];
  const equal = learned.map((r) =>
    runStrategy(
      ctx,
      steps,
      equalQualityOracle(ctx, steps, r.successes / steps.length, equalOracleName(r.name)),
    ),
  );
  return [
    runStrategy(ctx, steps, baselineStrategy(ctx)),
    runStrategy(ctx, steps, rulesStrategy(ctx, false)),
    runStrategy(ctx, steps, rulesStrategy(ctx, true)),
    ...learned,
    runStrategy(ctx, steps, oracleStrategy(ctx)),
    ...equal,
    runClairvoyant(ctx, steps),
  ];
}
