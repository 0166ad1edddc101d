import { describe, expect, it } from "vitest";
import type { ModelSpec, ModelsConfig, RoutingRule } from "../core/project-config.js";
import type { Role } from "../core/task.js";
import { checkRouting } from "./cross-review-check.js";

function model(name: string, family: string): ModelSpec {
  return {
    name,
    provider: "scripted",
    model: name,
    family,
    tier: "medium",
    price: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 },
    args: [],
    env: {},
    timeoutMs: 1000,
  };
}

type RuleSpec = [roles: Role[], use: string[], extra?: Partial<RoutingRule> | undefined];

function config(rules: RuleSpec[], crossReview = true): ModelsConfig {
  return {
    models: new Map(
      [
        model("claude_sonnet", "anthropic"),
        model("gemini_pro", "google"),
        model("gemini_flash", "google"),
      ].map((m) => [m.name, m]),
    ),
    routing: {
      strategy: "rules",
      crossReview,
      implementerMode: "text",
      rules: rules.map(([roles, use, extra], i) => ({
        roles,
        use,
        reason: `rule ${i + 1}`,
        index: i + 1,
        ...extra,
      })),
    },
  };
}

/** The seed's matrix, as the rule router's tests use it. */
const seedMatrix: RuleSpec[] = [
  [["planner"], ["claude_sonnet"], { risks: ["high"], areas: ["core", "math"] }],
  [["planner"], ["gemini_pro"], { risks: ["high", "medium"] }],
  [["planner"], ["gemini_flash"], { risks: ["low"] }],
  [["plan_reviewer"], ["gemini_pro", "claude_sonnet"]],
  [["implementer"], ["claude_sonnet"], { risks: ["high"] }],
  [["implementer"], ["claude_sonnet"], { areas: ["core", "math"] }],
  [["implementer"], ["gemini_flash"], { risks: ["low"], stepTypes: ["docs", "testing"] }],
  [["implementer"], ["gemini_pro"]],
  [["code_reviewer"], ["claude_sonnet", "gemini_pro"]],
];

describe("checkRouting", () => {
  it("accepts the seed's matrix", () => {
    expect(checkRouting(config(seedMatrix), [])).toEqual([]);
  });

  it("needs a rule for every role in every situation, including other step types", () => {
    const rules: RuleSpec[] = [
      [["planner", "plan_reviewer"], ["claude_sonnet"]],
      [["implementer"], ["gemini_flash"], { stepTypes: ["docs"] }],
      [["code_reviewer"], ["claude_sonnet"]],
    ];
    expect(checkRouting(config(rules, false), [])).toEqual([
      {
        ruleIndex: undefined,
        message:
          "no routing rule for role implementer (risk low, area core) and 20 more combinations; " +
          "add a rule without conditions as the last one for implementer",
      },
    ]);
  });

  it("covers the areas tasks use", () => {
    const rules: RuleSpec[] = [
      [["planner", "implementer"], ["claude_sonnet"]],
      [
        ["plan_reviewer", "code_reviewer"],
        ["gemini_pro"],
        { areas: [...["core", "math", "api"], ...["services", "docs", "tests", "comments"]] },
      ],
    ];
    expect(checkRouting(config(rules), [])).toEqual([]);
    expect(checkRouting(config(rules), ["frontend"]).map((p) => p.message)).toEqual([
      expect.stringContaining("no routing rule for role plan_reviewer (risk low, area frontend)"),
      expect.stringContaining("no routing rule for role code_reviewer (risk low, area frontend)"),
    ]);
  });

  it("names the reviewer rule that cannot cross-check, with the situation", () => {
    const rules = seedMatrix.map(([roles, use, extra]): RuleSpec =>
      roles.includes("code_reviewer") ? [roles, ["gemini_pro"], extra] : [roles, use, extra],
    );
    const tail = "cross_review needs a reviewer of another family";
    expect(checkRouting(config(rules), [])).toEqual([
      {
        ruleIndex: 9,
        message:
          'code_reviewer rule offers only models of family "google" (gemini_pro), the family of ' +
          `gemini_pro, which rule 8 picks as implementer (risk low, area api); ${tail}`,
      },
      {
        ruleIndex: 9,
        message:
          'code_reviewer rule offers only models of family "google" (gemini_pro), the family of ' +
          `gemini_flash, which rule 7 picks as implementer (risk low, area api, step type docs); ${tail}`,
      },
    ]);
  });

  it("checks nothing about families when cross_review is off", () => {
    const rules: RuleSpec[] = [
      [["planner", "plan_reviewer", "implementer", "code_reviewer"], ["claude_sonnet"]],
    ];
    expect(checkRouting(config(rules, false), [])).toEqual([]);
    expect(checkRouting(config(rules, true), [])).toHaveLength(2);
  });
});
