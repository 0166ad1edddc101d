import { describe, expect, it } from "vitest";
import type { ModelSpec, ModelsConfig, RoutingRule, Tier } from "../core/project-config.js";
import type { Role } from "../core/task.js";
import { routeByRules } from "./rule-router.js";

function model(name: string, family: string, tier: Tier): ModelSpec {
  return {
    name,
    provider: "scripted",
    model: name,
    family,
    tier,
    price: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 },
    args: [],
    env: {},
    timeoutMs: 1000,
  };
}

let index = 0;
function rule(roles: Role[], use: string[], extra: Partial<RoutingRule> = {}): RoutingRule {
  index += 1;
  return { roles, use, reason: "", index, ...extra };
}

/** The seed's matrix. */
const config: ModelsConfig = {
  models: new Map(
    [
      model("claude_sonnet", "anthropic", "strong"),
      model("gemini_pro", "google", "medium"),
      model("gemini_flash", "google", "cheap"),
    ].map((m) => [m.name, m]),
  ),
  routing: {
    strategy: "rules",
    crossReview: true,
    implementerMode: "text",
    rules: [
      rule(["planner"], ["claude_sonnet"], { risks: ["high"], areas: ["core", "math"] }),
      rule(["planner"], ["gemini_pro"], { risks: ["high", "medium"] }),
      rule(["planner"], ["gemini_flash"], { risks: ["low"] }),
      rule(["plan_reviewer"], ["gemini_pro", "claude_sonnet"]),
      rule(["implementer"], ["claude_sonnet"], { risks: ["high"] }),
      rule(["implementer"], ["claude_sonnet"], { areas: ["core", "math"] }),
      rule(["implementer"], ["gemini_flash"], {
        risks: ["low"],
        stepTypes: ["docs", "comments", "simple_refactor", "testing"],
      }),
      rule(["implementer"], ["gemini_pro"]),
      rule(["code_reviewer"], ["claude_sonnet", "gemini_pro"], { reason: "cross-check" }),
    ],
  },
};

describe("routeByRules", () => {
  it.each([
    [{ role: "planner", risk: "high", area: "core" }, "claude_sonnet"],
    [{ role: "planner", risk: "high", area: "api" }, "gemini_pro"],
    [{ role: "planner", risk: "medium", area: "tests" }, "gemini_pro"],
    [{ role: "planner", risk: "low", area: "docs" }, "gemini_flash"],
    [
      { role: "implementer", risk: "high", area: "api", stepType: "implementation" },
      "claude_sonnet",
    ],
    [{ role: "implementer", risk: "low", area: "math", stepType: "docs" }, "claude_sonnet"],
    [{ role: "implementer", risk: "low", area: "tests", stepType: "testing" }, "gemini_flash"],
    [
      { role: "implementer", risk: "medium", area: "api", stepType: "implementation" },
      "gemini_pro",
    ],
  ] as const)("%o -> %s", (req, expected) => {
    expect(routeByRules(config, req).model.name).toBe(expected);
  });

  it("never gives a reviewer the author's family", () => {
    const fromClaude = routeByRules(config, {
      role: "plan_reviewer",
      risk: "high",
      area: "core",
      authorFamily: "anthropic",
    });
    expect(fromClaude.model.family).toBe("google");
    const fromGemini = routeByRules(config, {
      role: "plan_reviewer",
      risk: "low",
      area: "docs",
      authorFamily: "google",
    });
    expect(fromGemini.model.name).toBe("claude_sonnet");
    const codeFromClaude = routeByRules(config, {
      role: "code_reviewer",
      risk: "high",
      area: "core",
      authorFamily: "anthropic",
    });
    expect(codeFromClaude.model.name).toBe("gemini_pro");
    expect(codeFromClaude.reason).toContain("cross-check");
  });

  it("lets the same family review when cross-review is switched off", () => {
    const relaxed = { ...config, routing: { ...config.routing, crossReview: false } };
    const decision = routeByRules(relaxed, {
      role: "code_reviewer",
      risk: "high",
      area: "core",
      authorFamily: "anthropic",
    });
    expect(decision.model.name).toBe("claude_sonnet");
  });

  it("falls back to the strongest model of another family when no rule allows one", () => {
    const only = {
      ...config,
      routing: { ...config.routing, rules: [rule(["code_reviewer"], ["gemini_flash"])] },
    };
    const decision = routeByRules(only, {
      role: "code_reviewer",
      risk: "low",
      area: "docs",
      authorFamily: "google",
    });
    expect(decision.model.name).toBe("claude_sonnet");
    expect(decision.reason).toContain("fallback");
  });

  it("refuses when no model of another family exists", () => {
    const single: ModelsConfig = {
      models: new Map([["claude_sonnet", model("claude_sonnet", "anthropic", "strong")]]),
      routing: { ...config.routing, rules: [] },
    };
    expect(() =>
      routeByRules(single, {
        role: "code_reviewer",
        risk: "low",
        area: "docs",
        authorFamily: "anthropic",
      }),
    ).toThrow("no model can serve role code_reviewer with a family other than anthropic");
  });
});
