import type { ModelSpec, ModelsConfig, RoutingRule } from "../core/project-config.js";
import type { Role } from "../core/task.js";
import type { RouteRequest } from "./rule-router.js";
import { matches } from "./rule-router.js";

/** The role that reviews each author role's work. */
export const REVIEWER_OF: Readonly<Partial<Record<Role, Role>>> = {
  planner: "plan_reviewer",
  implementer: "code_reviewer",
};

// Same matching as the rule router (first matching rule wins there; here every match counts).
function ruleMatches(rule: RoutingRule, role: Role, req: RouteRequest): boolean {
  return matches(rule, { ...req, role });
}

/**
 * The models configured to review an author's work in this situation: the candidates of every
 * matching rule of the reviewer role, in order; every model when no rule matches.
 */
export function reviewerCandidates(config: ModelsConfig, req: RouteRequest): ModelSpec[] {
  const reviewer = REVIEWER_OF[req.role];
  if (reviewer === undefined) return [];
  const names = config.routing.rules
    .filter((rule) => ruleMatches(rule, reviewer, req))
    .flatMap((rule) => rule.use);
  const models = [...new Set(names)].flatMap((name) => config.models.get(name) ?? []);
  return models.length > 0 ? models : [...config.models.values()];
}

/**
 * Whether `author` may do the work in `req` without breaking the cross-review rule: some
 * configured reviewer for the situation is of another family. Always true for reviewer roles
 * (their own rule is applied by the rule router) and when cross-review is off.
 */
export function canBeReviewed(config: ModelsConfig, req: RouteRequest, author: ModelSpec): boolean {
  if (!config.routing.crossReview || REVIEWER_OF[req.role] === undefined) return true;
  return reviewerCandidates(config, req).some((m) => m.family !== author.family);
}

/** The configured models that may be authors for `req` under the cross-review rule. */
export function authorCandidates(config: ModelsConfig, req: RouteRequest): ModelSpec[] {
  return [...config.models.values()].filter((m) => canBeReviewed(config, req, m));
}

/** Whether `reviewer` may review work by a model of `authorFamily` (named `authorName`). */
function mayReview(
  config: ModelsConfig,
  reviewer: ModelSpec,
  author: { readonly family?: string | undefined; readonly name?: string | undefined },
): boolean {
  if (config.routing.crossReview) return reviewer.family !== author.family;
  return reviewer.name !== author.name;
}

/**
 * One more code reviewer for a step that needs several (`min_reviews.code`): the first model
 * the reviewer rules offer for the situation, then any other model (strongest first), that is
 * of another family than the author (another model when cross-review is off) and has not
 * reviewed this attempt yet. Undefined when none is left.
 */
export function additionalReviewer(
  config: ModelsConfig,
  req: RouteRequest,
  author: { readonly family?: string | undefined; readonly name?: string | undefined },
  used: readonly string[],
): ModelSpec | undefined {
  const rank = { strong: 0, medium: 1, cheap: 2 } as const;
  const everyone = [...config.models.values()].sort((a, b) => rank[a.tier] - rank[b.tier]);
  return [...reviewerCandidates(config, req), ...everyone].find(
    (m) => !used.includes(m.name) && mayReview(config, m, author),
  );
}

/**
 * The models that could implement a step with these routing rules: those the implementer rules
 * and the ladder name, or every model with `strategy: learned`.
 */
function possibleImplementers(config: ModelsConfig): ModelSpec[] {
  if (config.routing.strategy === "learned") return [...config.models.values()];
  const names = new Set([
    ...config.routing.rules.filter((r) => r.roles.includes("implementer")).flatMap((r) => r.use),
    ...(config.routing.ladder ?? []),
  ]);
  return [...names].flatMap((n) => config.models.get(n) ?? []);
}

/**
 * Why `n` code reviewers per step (`min_reviews.code`) cannot be found for some implementer,
 * or undefined when they always can.
 */
export function minReviewsProblem(config: ModelsConfig, n: number): string | undefined {
  for (const author of possibleImplementers(config)) {
    const others = [...config.models.values()].filter((m) => mayReview(config, m, author));
    if (others.length >= n) continue;
    const kind = config.routing.crossReview ? `of another family than ${author.family}` : "other";
    const list = others.length === 0 ? "none" : others.map((m) => m.name).join(", ");
    return (
      `${n} code reviewers per step need ${n} models ${kind}, but ${author.name} may implement ` +
      `and model_config.yaml has ${others.length} (${list}); add models or lower min_reviews.code`
    );
  }
  return undefined;
}
