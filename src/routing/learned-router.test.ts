import { describe, expect, it } from "vitest";
import { DEFAULT_RULES } from "../config/defaults.js";
import type { RawRule } from "../config/file-schemas.js";
import { KNOWN_STEP_TYPES } from "../core/plan.js";
import { KNOWN_AREAS, RISKS } from "../core/task.js";
import { RoutingHistory } from "./history.js";
import { routeLearned } from "./learned-router.js";
import { seededRng } from "./rng.js";
import { routeByRules } from "./rule-router.js";
import type { RouteRequest } from "./rule-router.js";
import { modelsConfigFromRaw } from "../config/index.js";

const config = modelsConfigFromRaw();
const services = {
  role: "implementer",
  risk: "medium",
  area: "services",
  stepType: "implementation",
} as const;

/** A history where `model` made `attempts` attempts in a situation, `successes` of them good. */
function withRecord(
  history: RoutingHistory,
  req: RouteRequest,
  model: string,
  attempts: number,
  successes: number,
): RoutingHistory {
  for (let i = 0; i < attempts; i++) {
    history.record(
      {
        role: req.role,
        model,
        area: req.area,
        risk: req.risk,
        stepType: req.stepType ?? "implementation",
      },
      {
        success: i < successes,
        costUsd: 0.01,
        durationMs: 1,
        tokens: { input: 20_000, output: 2000, cacheRead: 0, cacheWrite: 0 },
      },
    );
  }
  return history;
}

describe("the seed's matrix (default rules)", () => {
  it.each([
    [{ role: "planner", risk: "high", area: "core" }, "claude_sonnet"],
    [{ role: "implementer", risk: "high", area: "docs", stepType: "docs" }, "claude_sonnet"],
    [
      { role: "implementer", risk: "low", area: "core", stepType: "implementation" },
      "claude_sonnet",
    ],
    [
      { role: "implementer", risk: "medium", area: "api", stepType: "implementation" },
      "claude_sonnet",
    ],
    [{ role: "implementer", risk: "low", area: "tests", stepType: "testing" }, "gemini_flash"],
    [{ role: "implementer", risk: "low", area: "docs", stepType: "docs" }, "gemini_flash"],
    [{ role: "implementer", risk: "medium", area: "tests", stepType: "testing" }, "gemini_pro"],
    [
      { role: "implementer", risk: "low", area: "services", stepType: "implementation" },
      "gemini_pro",
    ],
    [
      { role: "plan_reviewer", risk: "high", area: "core", authorFamily: "anthropic" },
      "gemini_pro",
    ],
    [{ role: "plan_reviewer", risk: "low", area: "docs", authorFamily: "google" }, "claude_sonnet"],
    [
      { role: "code_reviewer", risk: "low", area: "tests", authorFamily: "google" },
      "claude_sonnet",
    ],
    [
      { role: "code_reviewer", risk: "high", area: "core", authorFamily: "anthropic" },
      "gemini_pro",
    ],
  ] as const)(
    "%o -> %s, by the rules and by the learned policy without history",
    (req, expected) => {
      expect(routeByRules(config, req).model.name).toBe(expected);
      const learned = routeLearned(config, new RoutingHistory(), req, {
        rng: seededRng(1),
        explore: 0,
      });
      expect(learned.model.name).toBe(expected);
      expect(learned.mode).toBe("rules");
    },
  );

  it("the learned policy without history agrees with the rules in every situation", () => {
    const rng = seededRng(3);
    for (const role of ["planner", "implementer"] as const)
      for (const risk of RISKS)
        for (const area of KNOWN_AREAS)
          for (const stepType of KNOWN_STEP_TYPES) {
            const req = { role, risk, area, stepType };
            const d = routeLearned(config, new RoutingHistory(), req, { rng, explore: 0 });
            expect(d.model.name).toBe(routeByRules(config, req).model.name);
          }
  });
});

describe("routeLearned", () => {
  it("falls back to the rules while a cheaper model has fewer than 10 attempts", () => {
    const history = withRecord(new RoutingHistory(), services, "gemini_flash", 9, 9);
    const d = routeLearned(config, history, services, { rng: seededRng(1), explore: 0 });
    expect(d).toMatchObject({ mode: "rules" });
    expect(d.model.name).toBe("gemini_pro");
    expect(d.reason).toContain(
      "no model has 10+ attempts above 0.8 success in services medium-risk",
    );
  });

  it("takes the cheapest model proven above 0.8 once it has 10 attempts", () => {
    const history = withRecord(new RoutingHistory(), services, "gemini_flash", 10, 10);
    withRecord(history, services, "gemini_pro", 30, 29);
    const d = routeLearned(config, history, services, { rng: seededRng(1), explore: 0 });
    expect(d).toMatchObject({ mode: "learned" });
    expect(d.model.name).toBe("gemini_flash");
    expect(d.reason).toContain("learned: 10/10 passed in services medium-risk");
  });

  it("does not trust a model at or below 0.8 posterior mean, however many attempts", () => {
    // (1 + 79) / (2 + 100) = 0.78
    const history = withRecord(new RoutingHistory(), services, "gemini_flash", 100, 79);
    const d = routeLearned(config, history, services, { rng: seededRng(1), explore: 0 });
    expect(d.model.name).toBe("gemini_pro");
    expect(d.mode).toBe("rules");
  });

  it("weighs cost: of two reliable models the cheaper is chosen almost always", () => {
    const history = withRecord(new RoutingHistory(), services, "gemini_flash", 40, 38);
    withRecord(history, services, "claude_sonnet", 40, 40);
    const rng = seededRng(5);
    const picks = Array.from(
      { length: 200 },
      () => routeLearned(config, history, services, { rng, explore: 0 }).model.name,
    );
    expect(picks.filter((p) => p === "gemini_flash").length).toBeGreaterThan(190);
  });

  it("explores an untried model the draw favours, only with the given probability", () => {
    const history = withRecord(new RoutingHistory(), services, "gemini_pro", 20, 20);
    const count = (explore: number) => {
      const rng = seededRng(9);
      return Array.from({ length: 400 }, () =>
        routeLearned(config, history, services, { rng, explore }),
      ).filter((d) => d.mode === "explore").length;
    };
    expect(count(0)).toBe(0);
    const some = count(0.1);
    expect(some).toBeGreaterThan(0);
    expect(some).toBeLessThan(80);
  });

  it("stops exploring a cheaper model once it has proved poor", () => {
    const history = withRecord(new RoutingHistory(), services, "gemini_pro", 40, 39);
    withRecord(history, services, "gemini_flash", 30, 6);
    const rng = seededRng(4);
    const picks = Array.from({ length: 300 }, () =>
      routeLearned(config, history, services, { rng, explore: 1 }),
    );
    expect(picks.filter((d) => d.model.name === "gemini_flash").length).toBeLessThan(6);
  });

  it("never explores a model dearer than the one it would use", () => {
    const history = withRecord(new RoutingHistory(), services, "gemini_flash", 40, 40);
    const rng = seededRng(6);
    for (let i = 0; i < 300; i++) {
      expect(routeLearned(config, history, services, { rng, explore: 1 }).model.name).toBe(
        "gemini_flash",
      );
    }
  });

  it("makes the same decisions for the same seed", () => {
    const history = withRecord(new RoutingHistory(), services, "gemini_flash", 5, 4);
    withRecord(history, services, "gemini_pro", 20, 19);
    const run = (seed: number) => {
      const rng = seededRng(seed);
      return Array.from(
        { length: 100 },
        () => routeLearned(config, history, services, { rng, explore: 0.5 }).reason,
      );
    };
    expect(run(42)).toEqual(run(42));
    expect(run(42)).not.toEqual(run(43));
  });

  it("never picks an author that no configured reviewer of another family could review", () => {
    const rules: RawRule[] = [
      ...DEFAULT_RULES.filter((r) => r.role !== "code_reviewer"),
      { role: "code_reviewer", use: "claude_sonnet" },
    ];
    const strict = modelsConfigFromRaw(undefined, rules);
    // History says Sonnet is perfect, and exploration is always on: still never an Anthropic author.
    const history = withRecord(new RoutingHistory(), services, "claude_sonnet", 50, 50);
    const rng = seededRng(11);
    for (let i = 0; i < 300; i++) {
      const d = routeLearned(strict, history, services, { rng, explore: 1 });
      expect(d.model.family).toBe("google");
    }
  });

  it("routes reviewers by the rules, with the author's family excluded", () => {
    const req = { ...services, role: "code_reviewer", authorFamily: "anthropic" } as const;
    const history = withRecord(new RoutingHistory(), services, "claude_sonnet", 50, 50);
    const d = routeLearned(config, history, req, { rng: seededRng(1), explore: 1 });
    expect(d.model.family).not.toBe("anthropic");
    expect(d.mode).toBe("rules");
  });
});
