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
