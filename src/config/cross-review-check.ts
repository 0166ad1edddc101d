import type { ModelsConfig, RoutingRule } from "../core/project-config.js";
import type { Role } from "../core/task.js";
import { KNOWN_AREAS, RISKS, ROLES } from "../core/task.js";

/** A routing problem; `ruleIndex` (1-based) names the rule, or is undefined for the rule list. */
export interface RoutingProblem {
  readonly ruleIndex: number | undefined;
  readonly message: string;
}

interface Situation {
  readonly risk: string;
  readonly area: string;
  readonly stepType: string | undefined;
}

const PAIRS: readonly (readonly [author: Role, reviewer: Role])[] = [
  ["planner", "plan_reviewer"],
  ["implementer", "code_reviewer"],
];

/** Roles that work on a plan step, so rules with `step_type:` can match them. */
const STEP_ROLES: ReadonlySet<Role> = new Set(["implementer", "code_reviewer"]);

/** Same matching as the rule router: omitted conditions match anything. */
function matches(rule: RoutingRule, role: Role, s: Situation): boolean {
  if (!rule.roles.includes(role)) return false;
  if (rule.risks && !rule.risks.includes(s.risk)) return false;
  if (rule.areas && !rule.areas.includes(s.area)) return false;
  if (rule.stepTypes && (s.stepType === undefined || !rule.stepTypes.includes(s.stepType))) {
    return false;
  }
  return true;
}

function describe(s: Situation): string {
  const step = s.stepType === undefined ? "" : `, step type ${s.stepType}`;
  return `risk ${s.risk}, area ${s.area}${step}`;
}

/**
 * Every situation a role can be routed in: each risk × each area (the known ones, those named in
 * rules and `extraAreas`) × for step roles each step type named in rules plus "any other".
 */
function situations(rules: readonly RoutingRule[], role: Role, extraAreas: readonly string[]) {
  const areas = new Set<string>([
    ...KNOWN_AREAS,
    ...rules.flatMap((r) => r.areas ?? []),
    ...extraAreas,
  ]);
  const stepTypes: (string | undefined)[] = [undefined];
  if (STEP_ROLES.has(role)) stepTypes.push(...new Set(rules.flatMap((r) => r.stepTypes ?? [])));
  const out: Situation[] = [];
  for (const risk of RISKS) {
    for (const area of areas) for (const stepType of stepTypes) out.push({ risk, area, stepType });
  }
  return out;
}

/**
 * Checks at load time what the router would otherwise find out mid-run: every role has a rule in
 * every situation, and (with cross-review on) the first matching reviewer rule always offers a
 * model of another family than the model the first matching author rule picks.
 * Assumes every name in `use:` exists (checked before).
 */
export function checkRouting(
  config: ModelsConfig,
  extraAreas: readonly string[],
): RoutingProblem[] {
  const { rules } = config.routing;
  const problems: RoutingProblem[] = [];
  const first = (role: Role, s: Situation) => rules.find((r) => matches(r, role, s));
  for (const role of ROLES) {
    const uncovered = situations(rules, role, extraAreas).filter(
      (s) => first(role, s) === undefined,
    );
    const [example] = uncovered;
    if (example === undefined) continue;
    const more = uncovered.length > 1 ? ` and ${uncovered.length - 1} more combinations` : "";
    problems.push({
      ruleIndex: undefined,
      message: `no routing rule for role ${role} (${describe(example)})${more}; add a rule without conditions as the last one for ${role}`,
    });
  }
  if (!config.routing.crossReview) return problems;
  const reported = new Set<string>();
  for (const [author, reviewer] of PAIRS) {
    for (const s of situations(rules, author, extraAreas)) {
      const authorRule = first(author, s);
      const reviewerRule = first(reviewer, s);
      const authorModel = config.models.get(authorRule?.use[0] ?? "");
      if (authorRule === undefined || reviewerRule === undefined || authorModel === undefined) {
        continue;
      }
      const candidates = reviewerRule.use.flatMap((name) => config.models.get(name) ?? []);
      if (candidates.some((m) => m.family !== authorModel.family)) continue;
      const key = `${reviewer}/${reviewerRule.index}/${authorRule.index}`;
      if (reported.has(key)) continue;
      reported.add(key);
      problems.push({
        ruleIndex: reviewerRule.index,
        message:
          `${reviewer} rule offers only models of family "${authorModel.family}" ` +
          `(${reviewerRule.use.join(", ")}), the family of ${authorModel.name}, which rule ` +
          `${authorRule.index} picks as ${author} (${describe(s)}); cross_review needs a ` +
          `reviewer of another family`,
      });
    }
  }
  return problems;
}
