import type { TokenUsage } from "../core/events.js";
import type { ModelSpec, ModelsConfig } from "../core/project-config.js";
import { costOf } from "../providers/cost.js";
import { authorCandidates, REVIEWER_OF } from "./cross-review.js";
import type { RoutingHistory } from "./history.js";
import type { Rng } from "./rng.js";
import { sampleBeta } from "./rng.js";
import type { RouteDecision, RouteRequest } from "./rule-router.js";
import { routeByRules } from "./rule-router.js";

export interface LearnedRouterOptions {
  /** Injected randomness (e.g. `seededRng(seed)`), so decisions can be replayed. */
  readonly rng: Rng;
  /** Attempts a (role, model, area, risk) cell needs before it is trusted; default 10. */
  readonly minSamples?: number | undefined;
  /** Posterior mean success a trusted model must exceed (the seed's rule); default 0.8. */
  readonly successThreshold?: number | undefined;
  /** λ in reward = success − λ·(attempt cost / dearest candidate's); default 1. */
  readonly costWeight?: number | undefined;
  /**
   * Probability of following the Thompson draw when it favours a cheaper model that is not
   * trusted yet (too few attempts, or a mean not above the threshold); default 0.5.
   */
  readonly explore?: number | undefined;
  /**
   * Pseudo-attempts a cell borrows from the same model's record at the same risk in other
   * areas, as its prior (default 4): a model that fails high-risk work elsewhere is rarely
   * explored on it here. Trust still needs the cell's own attempts.
   */
  readonly priorWeight?: number | undefined;
  /** Tokens of a typical review of the author's work, priced on the reviewer the rules pick. */
  readonly reviewUsage?: TokenUsage | undefined;
}

export const LEARNED_DEFAULTS = {
  minSamples: 10,
  successThreshold: 0.8,
  costWeight: 1,
  explore: 0.5,
  priorWeight: 4,
} as const;

/** A routing decision with how it was reached. */
export interface LearnedDecision extends RouteDecision {
  /** `learned`: proven by history; `explore`: trying a model to learn it; `rules`: fallback. */
  readonly mode: "learned" | "explore" | "rules";
}

/** The seed's call sizes, for pricing a situation nobody has worked on yet. */
const SEED_USAGE: TokenUsage = { input: 2000, output: 1000, cacheRead: 0, cacheWrite: 0 };
const SEED_REVIEW_USAGE: TokenUsage = { input: 2000, output: 500, cacheRead: 0, cacheWrite: 0 };

interface Candidate {
  readonly model: ModelSpec;
  readonly attempts: number;
  readonly successes: number;
  readonly mean: number;
  readonly relativeCost: number;
  /** The success rate drawn from the posterior. */
  readonly theta: number;
  readonly score: number;
}

/** The average tokens of an attempt in this situation (any model), else the seed's size. */
function typicalUsage(history: RoutingHistory, req: RouteRequest): TokenUsage {
  const group = history.groupStats(req.role, req.area, req.risk);
  const n = group.attempts;
  if (n === 0 || group.tokens.input + group.tokens.output + group.tokens.cacheRead === 0) {
    return SEED_USAGE;
  }
  return {
    input: group.tokens.input / n,
    output: group.tokens.output / n,
    cacheRead: group.tokens.cacheRead / n,
    cacheWrite: group.tokens.cacheWrite / n,
  };
}

/** An attempt's cost on `author`: its own tokens plus the review by the reviewer the rules pick. */
function attemptCost(
  config: ModelsConfig,
  req: RouteRequest,
  author: ModelSpec,
  usage: TokenUsage,
  options: LearnedRouterOptions,
): number {
  const reviewerRole = REVIEWER_OF[req.role];
  const own = costOf(usage, author.price);
  if (reviewerRole === undefined) return own;
  const reviewer = routeByRules(config, {
    ...req,
    role: reviewerRole,
    authorFamily: author.family,
  });
  return own + costOf(options.reviewUsage ?? SEED_REVIEW_USAGE, reviewer.model.price);
}

/** Beta prior of a cell: 1 + the model's success share at this risk in other areas, weighted. */
function prior(
  history: RoutingHistory,
  req: RouteRequest,
  model: string,
  weight: number,
): { a: number; b: number } {
  const all = history.riskStats(req.role, model, req.risk);
  const here = history.stats(req.role, model, req.area, req.risk);
  const n = all.attempts - here.attempts;
  if (n <= 0) return { a: 1, b: 1 };
  const w = Math.min(weight, n);
  const share = (all.successes - here.successes) / n;
  return { a: 1 + w * share, b: 1 + w * (1 - share) };
}

/** Each allowed model's posterior and its Thompson-sampled reward, in configuration order. */
function scoreCandidates(
  config: ModelsConfig,
  history: RoutingHistory,
  req: RouteRequest,
  options: LearnedRouterOptions,
): Candidate[] {
  const models = authorCandidates(config, req);
  const usage = typicalUsage(history, req);
  const costs = models.map((m) => attemptCost(config, req, m, usage, options));
  const dearest = Math.max(0, ...costs);
  const weight = options.costWeight ?? LEARNED_DEFAULTS.costWeight;
  const priorWeight = options.priorWeight ?? LEARNED_DEFAULTS.priorWeight;
  return models.map((model, i) => {
    const s = history.stats(req.role, model.name, req.area, req.risk);
    const failures = s.attempts - s.successes;
    const p = prior(history, req, model.name, priorWeight);
    const theta = sampleBeta(p.a + s.successes, p.b + failures, options.rng);
    const relativeCost = dearest > 0 ? (costs[i] ?? 0) / dearest : 0;
    return {
      model,
      attempts: s.attempts,
      successes: s.successes,
      mean: (1 + s.successes) / (2 + s.attempts),
      relativeCost,
      theta,
      score: theta - weight * relativeCost,
    };
  });
}

/** The relative cost of a model among the candidates; unknown models count as dearest. */
function relativeCostOf(candidates: readonly Candidate[], model: ModelSpec | undefined): number {
  return candidates.find((c) => c.model.name === model?.name)?.relativeCost ?? 1;
}

const cheapest = (list: readonly Candidate[]): Candidate | undefined =>
  list.reduce<Candidate | undefined>(
    (a, c) => (a === undefined || c.relativeCost < a.relativeCost ? c : a),
    undefined,
  );

const best = (list: readonly Candidate[]): Candidate | undefined =>
  list.reduce<Candidate | undefined>(
    (a, c) => (a === undefined || c.score > a.score ? c : a),
    undefined,
  );

function situation(req: RouteRequest): string {
  return `${req.area} ${req.risk}-risk`;
}

/**
 * Picks an author model (planner or implementer) from history, by Thompson sampling: each
 * model the cross-review rule allows draws a success rate from its Beta posterior (Beta(1 +
 * successes, 1 + failures), with a prior borrowed from its record at this risk in other areas)
 * and scores reward = draw − λ·relative cost (its attempt plus the review it entails).
 *
 * - A model is trusted once its (role, model, area, risk) cell has `minSamples` attempts and a
 *   posterior mean above `successThreshold` (the seed's "success rate > 0.8"). The cheapest
 *   trusted model whose draw clears the threshold is used (else the best-scoring trusted one).
 * - When the best score belongs to a model with fewer samples that is cheaper than that choice,
 *   it is tried with probability `explore`: only a cheaper model can lower the cost.
 * - With no trusted model the rules decide.
 *
 * Reviewer roles are always routed by the rules (their success is not measured), which keep
 * the reviewer's family apart from the author's.
 */
export function routeLearned(
  config: ModelsConfig,
  history: RoutingHistory,
  req: RouteRequest,
  options: LearnedRouterOptions,
): LearnedDecision {
  if (REVIEWER_OF[req.role] === undefined) return { ...routeByRules(config, req), mode: "rules" };
  const minSamples = options.minSamples ?? LEARNED_DEFAULTS.minSamples;
  const threshold = options.successThreshold ?? LEARNED_DEFAULTS.successThreshold;
  const candidates = scoreCandidates(config, history, req, options);
  const trusted = candidates.filter((c) => c.attempts >= minSamples && c.mean > threshold);
  const exploit = cheapest(trusted.filter((c) => c.theta > threshold)) ?? best(trusted);
  const rule = exploit ? undefined : routeByRules(config, req);
  const usedCost = exploit?.relativeCost ?? relativeCostOf(candidates, rule?.model);
  const drawn = best(candidates);
  const where = situation(req);
  if (
    drawn &&
    !trusted.includes(drawn) &&
    drawn.relativeCost < usedCost &&
    options.rng() < (options.explore ?? LEARNED_DEFAULTS.explore)
  ) {
    return {
      model: drawn.model,
      mode: "explore",
      reason: `${req.role}=${drawn.model.name} (exploring: ${drawn.successes}/${drawn.attempts} passed in ${where})`,
    };
  }
  if (exploit) {
    return {
      model: exploit.model,
      mode: "learned",
      reason:
        `${req.role}=${exploit.model.name} (learned: ${exploit.successes}/${exploit.attempts} ` +
        `passed in ${where}, posterior mean ${exploit.mean.toFixed(2)} > ${threshold}, relative ` +
        `cost ${exploit.relativeCost.toFixed(2)})`,
    };
  }
  const decision = rule ?? routeByRules(config, req);
  return {
    ...decision,
    mode: "rules",
    reason: `${decision.reason}; no model has ${minSamples}+ attempts above ${threshold} success in ${where}`,
  };
}
