import type { TokenUsage } from "../core/events.js";
import type { ModelSpec, ModelsConfig } from "../core/project-config.js";
import type { Role } from "../core/task.js";
import { costOf } from "../costs/price.js";
import { authorCandidates, REVIEWER_OF } from "./cross-review.js";
import { nextOnLadder } from "./escalation-ladder.js";
import type { RoutingHistory } from "./history.js";
import type { Rng } from "./rng.js";
import { sampleBeta } from "./rng.js";
import type { RouteDecision, RouteRequest } from "./rule-router.js";
import { routeByRules } from "./rule-router.js";

export interface LearnedRouterOptions {
  /** Injected randomness (e.g. `seededRng(seed)`), so decisions can be replayed. */
  readonly rng: Rng;
  /** Attempts (or reviews) a cell needs before it is trusted; default 10. */
  readonly minSamples?: number | undefined;
  /**
   * The seed's "success rate > 0.8", applied to the step: the lower bound (see `confidence`)
   * of the chance that the step ends with a good change within its attempts, retries included,
   * that a trusted author must reach; default 0.8.
   */
  readonly successThreshold?: number | undefined;
  /**
   * Attempts the step has left, this one included (the engine's `quality.max_attempts` on a
   * first attempt); default 3. Retries climb `routing.ladder` when one is configured, else they
   * are counted on the same model.
   */
  readonly attempts?: number | undefined;
  /** z of the one-sided lower bound on a model's pass rate (default 1.645: 95%). */
  readonly confidence?: number | undefined;
  /**
   * Probability of following the Thompson draw when it favours a cheaper model that is not
   * trusted yet (too few attempts, or a step success not proved above the threshold);
   * default 0.5.
   */
  readonly explore?: number | undefined;
  /**
   * Pseudo-attempts a cell borrows from the same model's record at the same risk in other
   * areas, as its prior (default 8): a model that fails high-risk work elsewhere is rarely
   * explored on it here. Trust still needs the cell's own attempts.
   */
  readonly priorWeight?: number | undefined;
  /**
   * A hard cap, on top of `successValue`, on the step success (within the attempts left) a
   * trusted model may give up against the best proven one, e.g. 0.02 for two points; default
   * 1 (no cap: the value of success decides).
   */
  readonly tolerance?: number | undefined;
  /**
   * What a good step is worth, in attempts (author and review) of the rules' model in the
   * situation; default 20. Among the models whose step success is proved above the floor, the
   * one with the highest value · success − cost is used, and the Thompson draws explore by the
   * same objective: a cheaper model is used when the cost it saves outweighs the success it
   * gives up at this price, so where cheap models are unreliable the router spends more.
   */
  readonly successValue?: number | undefined;
  /**
   * The author of the step's failed attempt, on a retry. The retry is decided like a first
   * attempt (the failure is in the history, and fewer attempts are left); only when nothing
   * is trusted does it climb `routing.ladder` from this model instead of falling back to the
   * rules.
   */
  readonly previous?: ModelSpec | undefined;
  /** Tokens of a typical review of the author's work, priced on the reviewer it would get. */
  readonly reviewUsage?: TokenUsage | undefined;
  /**
   * Defects assumed to slip past review AND gate for each one the gate caught after an
   * approval (κ; default 2, a gate that catches a third of what reviews miss). An author's
   * success counts `leaks · κ` against it, so a cheap pair whose approvals the gate keeps
   * failing is not taken for a good one.
   */
  readonly leakPenalty?: number | undefined;
  /**
   * Probability of trying a cheaper code reviewer that has no record yet (never on high-risk
   * steps); default 0.5.
   */
  readonly exploreReviewer?: number | undefined;
  /**
   * The expected choice instead of a sampled one: posterior means instead of Thompson draws,
   * and no exploration (for estimates).
   */
  readonly expected?: boolean | undefined;
}

export const LEARNED_DEFAULTS = {
  minSamples: 5,
  successThreshold: 0.8,
  attempts: 3,
  confidence: 1.645,
  explore: 1,
  priorWeight: 8,
  tolerance: 1,
  successValue: 20,
  leakPenalty: 2,
  exploreReviewer: 0.5,
} as const;

/** A routing decision with how it was reached. */
export interface LearnedDecision extends RouteDecision {
  /** `learned`: proven by history; `explore`: trying a model to learn it; `rules`: fallback. */
  readonly mode: "learned" | "explore" | "rules";
}

/** The seed's call sizes, for pricing a situation nobody has worked on yet. */
const SEED_USAGE: TokenUsage = { input: 2000, output: 1000, cacheRead: 0, cacheWrite: 0 };
const SEED_REVIEW_USAGE: TokenUsage = { input: 2000, output: 500, cacheRead: 0, cacheWrite: 0 };

/** Leak-rate prior: Beta(0.2, 1.8), a mean of 0.1 worth two observations. */
const LEAK_PRIOR = { a: 0.2, b: 1.8 } as const;

/** What history says of one model as an author in the situation. */
interface Posterior {
  readonly model: ModelSpec;
  /** The cell's own attempts. */
  readonly own: number;
  /** The cell's own attempts plus those borrowed from other areas (at most `priorWeight`). */
  readonly attempts: number;
  readonly successes: number;
  /** Pass rate (review and gate) ~ Beta(a, b). */
  readonly a: number;
  readonly b: number;
  /** Leak rate (approved, then failed by the gate) ~ Beta(leakA, leakB). */
  readonly leakA: number;
  readonly leakB: number;
  /** One attempt's cost: the author's tokens and the review it would get. */
  readonly cost: number;
}

/** One attempt as the estimate sees it: pass rate q, a good change s (= q − κ·leak), cost. */
interface AttemptView {
  readonly q: number;
  readonly s: number;
  readonly cost: number;
}

/** Expected cost and success of a step whose attempts are tried in order until one passes. */
interface StepEstimate {
  readonly success: number;
  readonly cost: number;
}

interface Candidate {
  readonly post: Posterior;
  /** The first attempt's cost relative to the dearest candidate's. */
  readonly relativeCost: number;
  /** With posterior means. */
  readonly mean: StepEstimate;
  /** With the pass rate's lower bound on this model (means for the retries' models). */
  readonly lower: StepEstimate;
  /** With Thompson draws (means for estimates). */
  readonly sampled: StepEstimate;
}
/** Average tokens per recorded attempt of `role` in the situation; undefined without any. */
function averageUsage(
  history: RoutingHistory,
  req: RouteRequest,
  role: Role,
): TokenUsage | undefined {
  const group = history.groupStats(role, req.area, req.risk);
  const n = group.attempts;
  if (n === 0 || group.tokens.input + group.tokens.output + group.tokens.cacheRead === 0) {
    return undefined;
  }
  return {
    input: group.tokens.input / n,
    output: group.tokens.output / n,
    cacheRead: group.tokens.cacheRead / n,
    cacheWrite: group.tokens.cacheWrite / n,
  };
}

/** The average tokens of an attempt in this situation (any model), else the seed's size. */
function typicalUsage(history: RoutingHistory, req: RouteRequest): TokenUsage {
  return averageUsage(history, req, req.role) ?? SEED_USAGE;
}

/**
 * The tokens of a code review in the situation: the given size, else the average of the
 * recorded reviews (any reviewer), else the seed's. Pricing reviews at a guess rather than at
 * what they cost made a cheap author, whose reviewer is dear, look dearer than it is.
 */
function reviewUsageOf(
  history: RoutingHistory,
  req: RouteRequest,
  options: LearnedRouterOptions,
): TokenUsage {
  return options.reviewUsage ?? averageUsage(history, req, "code_reviewer") ?? SEED_REVIEW_USAGE;
}

/**
 * An attempt's cost on `author`: its own tokens plus the review it would get (the learned
 * reviewer for code, without exploring; the rules' reviewer for plans).
 */
function attemptCost(
  config: ModelsConfig,
  history: RoutingHistory,
  req: RouteRequest,
  author: ModelSpec,
  usage: TokenUsage,
  options: LearnedRouterOptions,
): number {
  const reviewerRole = REVIEWER_OF[req.role];
  const own = costOf(usage, author.price);
  if (reviewerRole === undefined) return own;
  const reviewReq = { ...req, role: reviewerRole, authorFamily: author.family };
  const reviewer =
    reviewerRole === "code_reviewer"
      ? chooseReviewer(config, history, reviewReq, options, false).model
      : routeByRules(config, reviewReq).model;
  return own + costOf(reviewUsageOf(history, req, options), reviewer.price);
}

/** A Thompson draw from Beta(a, b), or its mean when the expected choice is asked for. */
function draw(a: number, b: number, options: LearnedRouterOptions): number {
  return options.expected === true ? a / (a + b) : sampleBeta(a, b, options.rng);
}

/** Pseudo-attempts a model new to the situation borrows from every model's record there. */
const NEWCOMER_WEIGHT = 2;

/**
 * Beta prior of a cell: 1 + the model's success share at this risk in other areas, weighted
 * (up to `weight` attempts). A model with no record at this risk anywhere borrows instead the
 * record of every model in the situation, at {@link NEWCOMER_WEIGHT} attempts: presumed about
 * as good as what has been tried there, so that a cheaper newcomer is tried, not written off
 * by a flat prior while a proven model collects every step.
 */
function prior(
  history: RoutingHistory,
  req: RouteRequest,
  model: string,
  weight: number,
): { a: number; b: number; weight: number; leakWeight: number; leaks: number } {
  const all = history.riskStats(req.role, model, req.risk);
  const here = history.stats(req.role, model, req.area, req.risk);
  const n = all.attempts - here.attempts;
  if (n <= 0) {
    const group = history.groupStats(req.role, req.area, req.risk);
    if (all.attempts > 0 || group.attempts === 0)
      return { a: 1, b: 1, weight: 0, leakWeight: 0, leaks: 0 };
    const w = Math.min(NEWCOMER_WEIGHT, group.attempts);
    const share = group.successes / group.attempts;
    const leaks = (w * group.leaks) / group.attempts;
    // Borrowed for the estimate, not for trust: the cell's own attempts still decide that.
    return { a: 1 + w * share, b: 1 + w * (1 - share), weight: 0, leakWeight: w, leaks };
  }
  const w = Math.min(weight, n);
  const share = (all.successes - here.successes) / n;
  const leaks = (w * (all.leaks - here.leaks)) / n;
  return { a: 1 + w * share, b: 1 + w * (1 - share), weight: w, leakWeight: w, leaks };
}

/** A model's record as an author in the situation, with a prior from other areas. */
function posteriorOf(
  history: RoutingHistory,
  req: RouteRequest,
  model: ModelSpec,
  cost: number,
  options: LearnedRouterOptions,
): Posterior {
  const s = history.stats(req.role, model.name, req.area, req.risk);
  const p = prior(history, req, model.name, options.priorWeight ?? LEARNED_DEFAULTS.priorWeight);
  return {
    model,
    own: s.attempts,
    // Attempts borrowed from the same risk elsewhere count towards trust, at most priorWeight.
    attempts: s.attempts + p.weight,
    successes: s.successes,
    a: p.a + s.successes,
    b: p.b + s.attempts - s.successes,
    leakA: LEAK_PRIOR.a + p.leaks + s.leaks,
    leakB: LEAK_PRIOR.b + p.leakWeight - p.leaks + s.attempts - s.leaks,
    cost,
  };
}

/**
 * The models of the step's attempts after the first: the same model. A retry is decided again
 * by this policy, which keeps a model while it stays trusted; a model whose step fails too
 * often within the attempts left is not trusted, and the retry goes elsewhere.
 */
function retryModels(first: ModelSpec, retries: number): ModelSpec[] {
  return Array.from({ length: retries }, () => first);
}

/** The expected cost and success of attempts tried in order until one passes. */
function estimateStep(attempts: readonly AttemptView[]): StepEstimate {
  let reach = 1;
  let cost = 0;
  let success = 0;
  for (const a of attempts) {
    cost += reach * a.cost;
    success += reach * a.s;
    reach *= 1 - a.q;
  }
  return { success, cost };
}

/** Cost per good step: what a successful step costs, failed attempts and steps included. */
const perSuccess = (e: StepEstimate): number => e.cost / Math.max(e.success, 1e-9);

/**
 * Every allowed author's step estimate: the chance that the step ends with a good change
 * within its attempts (this model first, retries up the ladder) and the expected cost. A good
 * change is one that passed review and gate, less κ times the leak rate (approvals the gate
 * failed: the trace of defects that got past both unseen).
 */
function scoreCandidates(
  config: ModelsConfig,
  history: RoutingHistory,
  req: RouteRequest,
  options: LearnedRouterOptions,
): Candidate[] {
  const usage = typicalUsage(history, req);
  const kappa = options.leakPenalty ?? LEARNED_DEFAULTS.leakPenalty;
  const z = options.confidence ?? LEARNED_DEFAULTS.confidence;
  const retries = Math.max(0, (options.attempts ?? LEARNED_DEFAULTS.attempts) - 1);
  const posts = new Map<string, Posterior>();
  const sampled = new Map<string, AttemptView>();
  const postOf = (m: ModelSpec): Posterior => {
    let p = posts.get(m.name);
    if (!p) {
      p = posteriorOf(
        history,
        req,
        m,
        attemptCost(config, history, req, m, usage, options),
        options,
      );
      posts.set(m.name, p);
    }
    return p;
  };
  const view = (p: Posterior, q: number, leak: number): AttemptView => ({
    q,
    s: Math.max(0, q - kappa * leak),
    cost: p.cost,
  });
  const meanView = (m: ModelSpec): AttemptView => {
    const p = postOf(m);
    return view(p, p.a / (p.a + p.b), p.leakA / (p.leakA + p.leakB));
  };
  const lowerView = (m: ModelSpec): AttemptView => {
    const p = postOf(m);
    const n = p.a + p.b;
    const q = p.a / n;
    return view(
      p,
      Math.max(0, q - z * Math.sqrt((q * (1 - q)) / (n + 1))),
      p.leakA / (p.leakA + p.leakB),
    );
  };
  // One draw per model and decision, whether it is tried first or as a retry.
  const sampledView = (m: ModelSpec): AttemptView => {
    let v = sampled.get(m.name);
    if (!v) {
      const p = postOf(m);
      v = view(p, draw(p.a, p.b, options), draw(p.leakA, p.leakB, options));
      sampled.set(m.name, v);
    }
    return v;
  };
  const models = authorCandidates(config, req);
  const dearest = Math.max(0, ...models.map((m) => postOf(m).cost));
  return models.map((model) => {
    const then = retryModels(model, retries);
    return {
      post: postOf(model),
      relativeCost: dearest > 0 ? postOf(model).cost / dearest : 0,
      mean: estimateStep([meanView(model), ...then.map(meanView)]),
      lower: estimateStep([lowerView(model), ...then.map(meanView)]),
      sampled: estimateStep([sampledView(model), ...then.map(sampledView)]),
    };
  });
}

/** The relative cost of a model among the candidates; unknown models count as dearest. */
function relativeCostOf(candidates: readonly Candidate[], model: ModelSpec | undefined): number {
  return candidates.find((c) => c.post.model.name === model?.name)?.relativeCost ?? 1;
}

/** The candidate with the highest score. */
const bestBy = (
  list: readonly Candidate[],
  score: (c: Candidate) => number,
): Candidate | undefined =>
  list.reduce<Candidate | undefined>(
    (a, c) => (a === undefined || score(c) > score(a) ? c : a),
    undefined,
  );

function situation(req: RouteRequest): string {
  return `${req.area} ${req.risk}-risk`;
}

/** Pseudo-reviews a reviewer's rates borrow from every reviewer's record in the situation. */
const REVIEW_PRIOR_WEIGHT = 2;

/**
 * One attempt (author and review) by the rules' choices in the situation, at its recorded
 * size: the unit of {@link LearnedRouterOptions.successValue}.
 */
function ruleAttemptCost(
  config: ModelsConfig,
  history: RoutingHistory,
  req: RouteRequest,
  options: LearnedRouterOptions,
): number {
  const authorRole = req.role === "code_reviewer" ? "implementer" : req.role;
  const authorReq = { ...req, role: authorRole };
  const author = routeByRules(config, authorReq).model;
  const own = costOf(typicalUsage(history, authorReq), author.price);
  const reviewerRole = REVIEWER_OF[authorRole];
  if (reviewerRole === undefined) return own;
  const reviewer = routeByRules(config, {
    ...req,
    role: reviewerRole,
    authorFamily: author.family,
  }).model;
  return own + costOf(reviewUsageOf(history, req, options), reviewer.price);
}

/**
 * The code reviewer of an author's change: any configured model of another family than the
 * author (the cross-review rule is never relaxed). A review is priced at what it costs plus
 * what it leads to: a rejection or a leak (an approval the gate then failed) costs another
 * attempt, and a leak is the trace of κ defects that got past both unseen, each a good step
 * lost (worth `successValue` attempts). Per review rates are Beta posteriors with a prior from
 * every reviewer's record in the situation. Of the reviewers with `minSamples` reviews there,
 * and the rules' reviewer, the lowest expected price is used; with `explore`, Thompson draws
 * try a cheaper reviewer with fewer reviews, with probability `exploreReviewer`, never on
 * high-risk steps.
 */
function chooseReviewer(
  config: ModelsConfig,
  history: RoutingHistory,
  req: RouteRequest,
  options: LearnedRouterOptions,
  explore: boolean,
): LearnedDecision {
  const rule = routeByRules(config, req);
  const family = req.authorFamily;
  if (family === undefined || !config.routing.crossReview) return { ...rule, mode: "rules" };
  const minSamples = options.minSamples ?? LEARNED_DEFAULTS.minSamples;
  const kappa = options.leakPenalty ?? LEARNED_DEFAULTS.leakPenalty;
  const usage = reviewUsageOf(history, req, options);
  const attempt = ruleAttemptCost(config, history, req, options);
  const value = (options.successValue ?? LEARNED_DEFAULTS.successValue) * attempt;
  const group = history.groupStats("code_reviewer", req.area, req.risk);
  const w = Math.min(REVIEW_PRIOR_WEIGHT, group.attempts);
  const rejectShare = group.attempts > 0 ? (group.attempts - group.successes) / group.attempts : 0;
  const leakShare = group.attempts > 0 ? group.leaks / group.attempts : 0;
  const where = situation(req);
  const sampled = options.expected !== true && explore;
  const others = [...config.models.values()]
    .filter((m) => m.family !== family)
    .map((m) => {
      const s = history.stats("code_reviewer", m.name, req.area, req.risk);
      const rejectA = 1 + w * rejectShare + (s.attempts - s.successes);
      const rejectB = 1 + w * (1 - rejectShare) + s.successes;
      const leakA = LEAK_PRIOR.a + w * leakShare + s.leaks;
      const leakB = LEAK_PRIOR.b + w * (1 - leakShare) + s.attempts - s.leaks;
      const cost = costOf(usage, m.price);
      const price = (reject: number, leak: number): number =>
        cost + attempt * (reject + leak) + value * kappa * leak;
      return {
        m,
        s,
        cost,
        leak: leakA / (leakA + leakB),
        mean: price(rejectA / (rejectA + rejectB), leakA / (leakA + leakB)),
        drawn: sampled
          ? price(sampleBeta(rejectA, rejectB, options.rng), sampleBeta(leakA, leakB, options.rng))
          : 0,
      };
    });
  type Reviewer = (typeof others)[number];
  const lowest = (list: readonly Reviewer[], f: (r: Reviewer) => number): Reviewer | undefined =>
    list.reduce<Reviewer | undefined>(
      (a, r) => (a === undefined || f(r) < f(a) ? r : a),
      undefined,
    );
  const trusted = lowest(
    others.filter((o) => o.s.attempts >= minSamples || o.m.name === rule.model.name),
    (o) => o.mean,
  );
  const chosen = trusted?.m.name === rule.model.name ? undefined : trusted;
  const chosenCost = chosen?.cost ?? costOf(usage, rule.model.price);
  const drawn = sampled ? lowest(others, (o) => o.drawn) : undefined;
  if (
    drawn !== undefined &&
    drawn.s.attempts < minSamples &&
    drawn.cost < chosenCost &&
    req.risk !== "high" &&
    options.rng() < (options.exploreReviewer ?? LEARNED_DEFAULTS.exploreReviewer)
  ) {
    return {
      model: drawn.m,
      mode: "explore",
      reason:
        `${req.role}=${drawn.m.name} (exploring: ${drawn.s.attempts} reviews in ${where}, ` +
        `cross-check of ${family})`,
    };
  }
  if (chosen) {
    const { s } = chosen;
    return {
      model: chosen.m,
      mode: "learned",
      reason:
        `${req.role}=${chosen.m.name} (learned: ${s.leaks} of ${s.successes} approvals in ` +
        `${where} failed the gate, leak ${chosen.leak.toFixed(3)} per review; ` +
        `$${chosen.mean.toFixed(4)} a review with what it leads to; cross-check of ${family})`,
    };
  }
  return { ...rule, mode: "rules" };
}

/**
 * Picks a model for a role from history.
 *
 * Authors (planner, implementer): for each model the cross-review rule allows, the step it
 * would lead to is estimated from history: the chance of a good change within the attempts
 * left (retries on the same model: a retry is decided again, from a history that holds the
 * failure) and the expected cost of those attempts with their reviews. A model's pass rate
 * (review and gate) is Beta(1 + successes, 1 + failures), with a prior borrowed from its record
 * at this risk in other areas; a good change is a pass less κ times the leak rate (approvals
 * the gate failed). A step is scored by value · success − cost, a good step being worth
 * `successValue` attempts of the rules' model in the situation.
 *
 * - A model is trusted once its cell has `minSamples` attempts (own and borrowed) and the
 *   step's success, with the lower bound of its pass rate, is at least `successThreshold` (the
 *   quality floor). Of the trusted models the highest score by posterior means is used.
 * - When the Thompson draws favour a model that is not trusted yet, reaches the floor in its
 *   draw and is cheaper per attempt than that choice, it is tried with probability `explore`.
 * - With no trusted model the rules decide (on a retry: the next rung of `routing.ladder`).
 *
 * Code reviewers: the model of another family whose reviews, priced with the retries and
 * leaks they lead to, cost least (see `chooseReviewer`), else the rules' reviewer. Plan reviewers follow the rules
 * (a plan review has no gate after it to check it against).
 */
export function routeLearned(
  config: ModelsConfig,
  history: RoutingHistory,
  req: RouteRequest,
  options: LearnedRouterOptions,
): LearnedDecision {
  if (req.role === "code_reviewer") return chooseReviewer(config, history, req, options, true);
  if (REVIEWER_OF[req.role] === undefined) return { ...routeByRules(config, req), mode: "rules" };
  const minSamples = options.minSamples ?? LEARNED_DEFAULTS.minSamples;
  const threshold = options.successThreshold ?? LEARNED_DEFAULTS.successThreshold;
  const attempts = options.attempts ?? LEARNED_DEFAULTS.attempts;
  const candidates = scoreCandidates(config, history, req, options);
  const tolerance = options.tolerance ?? LEARNED_DEFAULTS.tolerance;
  const ruleChoice = routeByRules(config, req);
  // A good step is worth `successValue` attempts of the rules' model here: the price at
  // which success is traded for cost, the same in every decision of the situation.
  const refCost =
    candidates.find((c) => c.post.model.name === ruleChoice.model.name)?.post.cost ??
    Math.max(0, ...candidates.map((c) => c.post.cost));
  const value = (options.successValue ?? LEARNED_DEFAULTS.successValue) * refCost;
  const net = (e: StepEstimate): number => value * e.success - e.cost;
  const known = candidates.filter((c) => c.post.attempts >= minSamples);
  // Proven (lower bound) above the floor, and expected no more than `tolerance` below the
  // best proven model: of those, the highest value of success less cost is used.
  const best = Math.max(0, ...known.map((c) => c.mean.success));
  const trusted = known.filter(
    (c) => c.lower.success >= threshold && c.mean.success >= best - tolerance,
  );
  const exploit = bestBy(trusted, (c) => net(c.mean));
  const rule = exploit ? undefined : ruleChoice;
  const usedCost = exploit?.relativeCost ?? relativeCostOf(candidates, rule?.model);
  // A model is explored once something is known of it: its own record, its record elsewhere,
  // or (a newcomer) the situation's; in a situation nobody has worked in, the rules go first.
  const drawn = bestBy(
    candidates.filter((c) => c.post.a + c.post.b > 2 && c.sampled.success >= threshold),
    (c) => net(c.sampled),
  );
  const where = situation(req);
  if (
    options.expected !== true &&
    drawn &&
    !trusted.includes(drawn) &&
    drawn.relativeCost < usedCost &&
    options.rng() < (options.explore ?? LEARNED_DEFAULTS.explore)
  ) {
    const p = drawn.post;
    return {
      model: p.model,
      mode: "explore",
      reason: `${req.role}=${p.model.name} (exploring: ${p.successes}/${p.own} passed in ${where})`,
    };
  }
  if (exploit) {
    const p = exploit.post;
    return {
      model: p.model,
      mode: "learned",
      reason:
        `${req.role}=${p.model.name} (learned: ${p.successes}/${p.own} passed in ${where}; ` +
        `step success >= ${exploit.lower.success.toFixed(2)} within ${attempts} attempts ` +
        `(threshold ${threshold}), $${perSuccess(exploit.mean).toFixed(4)} per good step)`,
    };
  }
  // Nothing proved above the floor, and the rules' model has a record here that does not
  // clear it: the best value by the draws (means for estimates), whatever its price, rather
  // than the rules' choice, which may be the cheap model the record shows failing. Quality is
  // kept by spending. A rules' model with no record yet is given its chance first.
  const informed = candidates.filter((c) => c.post.a + c.post.b > 2);
  const ruleKnown = known.some((c) => c.post.model.name === ruleChoice.model.name);
  const best2 = ruleKnown ? bestBy(informed, (c) => net(c.sampled)) : undefined;
  if (best2) {
    const p = best2.post;
    return {
      model: p.model,
      mode: known.includes(best2) ? "learned" : "explore",
      reason:
        `${req.role}=${p.model.name} (${p.successes}/${p.own} passed in ${where}; no model's ` +
        `step success is proved above ${threshold} within ${attempts} attempts: the best value ` +
        `of success less cost)`,
    };
  }
  const ladder = config.routing.ladder;
  if (options.previous !== undefined && ladder !== undefined) {
    const up = nextOnLadder(config, ladder, options.previous, req);
    return { ...up, mode: "rules", reason: `${up.reason}; nothing trusted in ${where}` };
  }
  const decision = rule ?? routeByRules(config, req);
  return {
    ...decision,
    mode: "rules",
    reason:
      `${decision.reason}; no model has ${minSamples}+ attempts and a step success of ` +
      `${threshold}+ within ${attempts} attempts in ${where}`,
  };
}
