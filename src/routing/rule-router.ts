import { UserError } from "../core/errors.js";
import type { ModelSpec, ModelsConfig, RoutingRule } from "../core/project-config.js";
import type { Role } from "../core/task.js";

/** What a routing decision depends on. */
export interface RouteRequest {
  readonly role: Role;
  readonly risk: string;
  readonly area: string;
  readonly stepType?: string;
  /** For reviewers: the family of the author whose work is reviewed. */
  readonly authorFamily?: string;
}

export interface RouteDecision {
  readonly model: ModelSpec;
  /** Why, in words, for the event log and the run log. */
  readonly reason: string;
}

const REVIEWER_ROLES: ReadonlySet<Role> = new Set(["plan_reviewer", "code_reviewer"]);

/** Whether a rule applies to a request; omitted conditions match anything. */
export function matches(rule: RoutingRule, req: RouteRequest): boolean {
  if (!rule.roles.includes(req.role)) return false;
  if (rule.risks && !rule.risks.includes(req.risk)) return false;
  if (rule.areas && !rule.areas.includes(req.area)) return false;
  if (rule.stepTypes && (req.stepType === undefined || !rule.stepTypes.includes(req.stepType)))
    return false;
  return true;
}

function describeConditions(req: RouteRequest): string {
  return [`${req.risk}-risk`, req.area, req.stepType].filter(Boolean).join(" ");
}

/**
 * Picks a model by the configured rules: the first matching rule wins, and within it the first
 * candidate that the cross-review rule allows (a reviewer's family must differ from the
 * author's). When no matching rule has an allowed candidate, any model of another family is
 * taken, the strongest first; a configuration where none exists is refused at load time.
 */
export function routeByRules(config: ModelsConfig, req: RouteRequest): RouteDecision {
  const crossCheck =
    config.routing.crossReview && REVIEWER_ROLES.has(req.role) && req.authorFamily !== undefined;
  const allowed = (m: ModelSpec): boolean => !crossCheck || m.family !== req.authorFamily;
  for (const rule of config.routing.rules) {
    if (!matches(rule, req)) continue;
    for (const name of rule.use) {
      const model = config.models.get(name);
      if (model && allowed(model)) {
        const why = rule.reason || describeConditions(req);
        const cross = crossCheck ? `, cross-check of ${req.authorFamily ?? ""}` : "";
        return { model, reason: `${req.role}=${model.name} (${why}${cross}; rule ${rule.index})` };
      }
    }
  }
  const tierRank = { strong: 0, medium: 1, cheap: 2 } as const;
  const fallback = [...config.models.values()]
    .filter(allowed)
    .sort((a, b) => tierRank[a.tier] - tierRank[b.tier])[0];
  if (fallback) {
    return {
      model: fallback,
      reason: `${req.role}=${fallback.name} (no rule matched ${describeConditions(req)}; fallback)`,
    };
  }
  throw new UserError(
    `no model can serve role ${req.role}` +
      (crossCheck ? ` with a family other than ${req.authorFamily ?? ""}` : ""),
  );
}
