import { describe, expect, it } from "vitest";
import { DEFAULT_MODELS, DEFAULT_RULES } from "../config/defaults.js";
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
      "gemini_pro",
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
  it("falls back to the rules while a cheaper model has fewer than 5 attempts", () => {
    const history = withRecord(new RoutingHistory(), services, "gemini_flash", 4, 4);
    const d = routeLearned(config, history, services, { rng: seededRng(1), explore: 0 });
    expect(d).toMatchObject({ mode: "rules" });
    expect(d.model.name).toBe("gemini_pro");
    expect(d.reason).toContain(
      "no model has 5+ attempts and a step success of 0.8+ within 3 attempts in services medium-risk",
    );
  });

  it("takes the cheapest model once it has proved as good as the dearer one", () => {
    const history = withRecord(new RoutingHistory(), services, "gemini_flash", 30, 30);
    withRecord(history, services, "gemini_pro", 30, 29);
    const rng = seededRng(1);
    const picks = Array.from({ length: 100 }, () =>
      routeLearned(config, history, services, { rng, explore: 0 }),
    );
    expect(picks.every((d) => d.mode === "learned")).toBe(true);
    const flash = picks.filter((d) => d.model.name === "gemini_flash");
    expect(flash.length).toBeGreaterThan(70);
    expect(flash[0]?.reason).toContain("learned: 30/30 passed in services medium-risk");
  });

  it("does not trust a model whose step success within the attempts stays below 0.8", () => {
    // Passes 35% of attempts: a step succeeds within 3 attempts about 1 - 0.65^3 = 73% of the time.
    const history = withRecord(new RoutingHistory(), services, "gemini_flash", 100, 35);
    const d = routeLearned(config, history, services, { rng: seededRng(1), explore: 0 });
    expect(d.model.name).toBe("gemini_pro");
    expect(d.mode).toBe("rules");
  });

  it("spends rather than falling back to a rules' model whose record fails the floor", () => {
    const tests = { role: "implementer", risk: "low", area: "tests", stepType: "testing" } as const;
    expect(routeByRules(config, tests).model.name).toBe("gemini_flash");
    // Flash (the rules' choice) passes 20% of its attempts here, Sonnet 40% of its: neither
    // is proved above 0.8 within three attempts, and Sonnet's step is far the better value.
    const history = withRecord(new RoutingHistory(), tests, "gemini_flash", 100, 20);
    withRecord(history, tests, "claude_sonnet", 50, 20);
    const d = routeLearned(config, history, tests, { rng: seededRng(1), expected: true });
    expect(d.model.name).toBe("claude_sonnet");
    expect(d.reason).toContain("no model's step success is proved above 0.8");
  });

  it("judges the step, not the attempt, against the best model's, within the tolerance", () => {
    // Flash passes 60% of attempts: within the engine's three attempts it finishes the step
    // about 1 - 0.4^3 = 94% of the time, at a fraction of Gemini Pro's price even with its
    // retries counted; Pro finishes 99.9%.
    const history = withRecord(new RoutingHistory(), services, "gemini_flash", 200, 120);
    withRecord(history, services, "gemini_pro", 200, 196);
    const pick = (attempts: number, tolerance?: number, successValue?: number) =>
      routeLearned(config, history, services, {
        rng: seededRng(2),
        explore: 0,
        attempts,
        tolerance,
        successValue,
      });
    // By default a step may lose at most 3 points against the best proven model: Pro.
    expect(pick(3).model.name).toBe("gemini_pro");
    // Allowed 10 points, the 6 points flash loses are still worth more than it saves when a
    // good step is worth 20 of Pro's attempts (the default)...
    expect(pick(3, 0.1).model.name).toBe("gemini_pro");
    // ...but not when it is worth 5: a user who values the price gets flash, judged on the step.
    const three = pick(3, 0.1, 5);
    expect(three).toMatchObject({ mode: "learned" });
    expect(three.model.name).toBe("gemini_flash");
    expect(three.reason).toMatch(/step success >= 0\.9\d within 3 attempts/);
    // With a single attempt left, 60% is not enough: the proven dearer model is taken.
    expect(pick(1, 0.1, 5).model.name).toBe("gemini_pro");
  });

  it("tries a cheaper newcomer where the rules' model has a perfect record, not in a new situation", () => {
    const low = { ...services, risk: "low" } as const;
    // Nobody has worked here: the rules decide every time (nothing to draw a newcomer from).
    const rng = seededRng(5);
    const fresh = Array.from({ length: 50 }, () =>
      routeLearned(config, new RoutingHistory(), low, { rng }),
    );
    expect(fresh.every((d) => d.mode === "rules")).toBe(true);
    // Pro (the rules' choice) passed 20 of 20: flash, new here and elsewhere, borrows that
    // record as its prior and is tried on a good share of the decisions.
    const history = withRecord(new RoutingHistory(), low, "gemini_pro", 20, 20);
    const picks = Array.from({ length: 200 }, () => routeLearned(config, history, low, { rng }));
    const tried = picks.filter((d) => d.mode === "explore" && d.model.name === "gemini_flash");
    expect(tried.length).toBeGreaterThan(20);
    expect(tried[0]?.reason).toContain("exploring: 0/0 passed in services low-risk");
  });

  it("decides a retry from the history, climbing the ladder only when nothing is trusted", () => {
    const laddered = {
      ...config,
      routing: { ...config.routing, ladder: ["gemini_flash", "gemini_pro", "claude_sonnet"] },
    };
    const flash = config.models.get("gemini_flash");
    // Flash passes half its attempts: a step with two attempts left on it succeeds 75%, below
    // the threshold. Pro, proven, takes the retry whether or not a ladder is set.
    const history = withRecord(new RoutingHistory(), services, "gemini_flash", 200, 100);
    withRecord(history, services, "gemini_pro", 200, 198);
    const options = { rng: seededRng(3), explore: 0, attempts: 2, previous: flash };
    expect(routeLearned(config, history, services, options).model.name).toBe("gemini_pro");
    const proven = routeLearned(laddered, history, services, options);
    expect(proven).toMatchObject({ mode: "learned" });
    expect(proven.model.name).toBe("gemini_pro");
    // Nothing proven in the situation: the retry climbs the ladder from the failed model
    // rather than going back to the rules' choice.
    const unknown = { ...services, area: "math" } as const;
    const fresh = routeLearned(laddered, new RoutingHistory(), unknown, {
      ...options,
      previous: config.models.get("gemini_pro"),
    });
    expect(fresh).toMatchObject({ mode: "rules" });
    expect(fresh.model.name).toBe("claude_sonnet");
    expect(fresh.reason).toContain("nothing trusted in math medium-risk");
  });

  it("spends more where the cheap model is unreliable, though it clears the floor", () => {
    // Flash passes 55% of attempts: within three attempts its step succeeds ~91%, proved above
    // the 0.8 floor, for less than half of Sonnet's cost per step. Sonnet passes 99%. Against
    // a good step worth 20 attempts of the rules' model (Gemini Pro), the 9 points flash loses
    // outweigh what it saves.
    const history = withRecord(new RoutingHistory(), services, "gemini_flash", 300, 165);
    withRecord(history, services, "claude_sonnet", 300, 297);
    const options = { rng: seededRng(6), explore: 0, expected: true } as const;
    expect(routeLearned(config, history, services, options).model.name).toBe("claude_sonnet");
    // Held to the floor alone (a good step worth 2 attempts), flash is used.
    expect(
      routeLearned(config, history, services, { ...options, successValue: 2 }).model.name,
    ).toBe("gemini_flash");
    // Where flash is as reliable, the saving wins and flash is used.
    const good = withRecord(new RoutingHistory(), services, "gemini_flash", 300, 297);
    withRecord(good, services, "claude_sonnet", 300, 297);
    expect(routeLearned(config, good, services, options).model.name).toBe("gemini_flash");
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
    const history = withRecord(new RoutingHistory(), services, "gemini_flash", 5, 3);
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

describe("routeLearned: the code reviewer and the pair", () => {
  const three = modelsConfigFromRaw({
    ...DEFAULT_MODELS,
    gpt_mini: {
      provider: "codex-cli",
      model: "gpt-5-mini",
      family: "openai",
      tier: "cheap",
      price: { input: 0.25, output: 2, cache_read: 0.025, cache_write: 0 },
      args: [],
      env: {},
      timeout: "15m",
    },
  });
  const tests = { role: "implementer", risk: "low", area: "tests", stepType: "testing" } as const;
  const reviewOf = (authorFamily: string) =>
    ({ ...tests, role: "code_reviewer", authorFamily }) as const;

  /** `n` reviews by `reviewer` in the tests/low cell, `leaks` of its approvals failed the gate. */
  function reviews(history: RoutingHistory, reviewer: string, n: number, leaks: number): void {
    for (let i = 0; i < n; i++) {
      history.record(
        { ...tests, role: "code_reviewer", model: reviewer },
        { success: true, leak: i < leaks, costUsd: 0, durationMs: 0 },
      );
    }
  }

  it("falls back to the rules' reviewer while a cheaper one has too few reviews", () => {
    const history = new RoutingHistory();
    reviews(history, "gpt_mini", 4, 0);
    const d = routeLearned(three, history, reviewOf("google"), {
      rng: seededRng(1),
      exploreReviewer: 0,
    });
    expect(d).toMatchObject({ mode: "rules" });
    expect(d.model.name).toBe("claude_sonnet");
  });

  it("takes a cheap reviewer of another family once its approvals have held up", () => {
    const history = new RoutingHistory();
    reviews(history, "gpt_mini", 60, 0);
    const d = routeLearned(three, history, reviewOf("google"), {
      rng: seededRng(1),
      exploreReviewer: 0,
    });
    expect(d).toMatchObject({ mode: "learned" });
    expect(d.model.name).toBe("gpt_mini");
  });

  it("does not trust a cheap reviewer whose approvals keep failing the gate", () => {
    const history = new RoutingHistory();
    reviews(history, "gpt_mini", 60, 12);
    const d = routeLearned(three, history, reviewOf("google"), {
      rng: seededRng(1),
      exploreReviewer: 0,
    });
    expect(d.model.name).toBe("claude_sonnet");
  });

  it("picks the cheap pair when history shows it succeeds", () => {
    const history = withRecord(new RoutingHistory(), tests, "gpt_mini", 40, 39);
    withRecord(history, tests, "claude_sonnet", 40, 40);
    reviews(history, "gemini_flash", 60, 0);
    const rng = seededRng(2);
    const author = routeLearned(three, history, tests, { rng, explore: 0 });
    expect(author.model.name).toBe("gpt_mini");
    const reviewer = routeLearned(three, history, reviewOf(author.model.family), {
      rng,
      exploreReviewer: 0,
    });
    expect(reviewer.model.name).toBe("gemini_flash");
  });

  it("gives the expected choice, the same every time, for estimates", () => {
    const history = withRecord(new RoutingHistory(), tests, "gpt_mini", 40, 39);
    reviews(history, "gemini_flash", 60, 0);
    const options = { rng: seededRng(4), expected: true, explore: 1, exploreReviewer: 1 };
    for (let i = 0; i < 50; i++) {
      expect(routeLearned(three, history, tests, options).model.name).toBe("gpt_mini");
      expect(routeLearned(three, history, reviewOf("openai"), options).model.name).toBe(
        "gemini_flash",
      );
    }
    // Without history the expected choice is the rules'.
    const none = routeLearned(three, new RoutingHistory(), tests, options);
    expect(none).toMatchObject({ mode: "rules" });
  });

  it("never explores a cheap reviewer on high-risk steps", () => {
    const rng = seededRng(3);
    const high = { ...reviewOf("google"), risk: "high" } as const;
    for (let i = 0; i < 200; i++) {
      const d = routeLearned(three, new RoutingHistory(), high, { rng, exploreReviewer: 1 });
      expect(d.mode).toBe("rules");
    }
  });

  it("never breaks cross-review, whatever the history (random histories)", () => {
    const rng = seededRng(17);
    const names = [...three.models.keys()];
    const pick = <T>(list: readonly T[]): T => list[Math.floor(rng() * list.length)] as T;
    for (let round = 0; round < 60; round++) {
      const history = new RoutingHistory();
      for (let i = 0; i < 200; i++) {
        const role = pick(["implementer", "code_reviewer"] as const);
        history.record(
          {
            role,
            model: pick(names),
            area: pick(KNOWN_AREAS),
            risk: pick(RISKS),
            stepType: pick(KNOWN_STEP_TYPES),
          },
          { success: rng() < 0.8, leak: rng() < 0.1, costUsd: rng(), durationMs: 1 },
        );
      }
      const req = {
        role: "implementer",
        risk: pick(RISKS),
        area: pick(KNOWN_AREAS),
        stepType: pick(KNOWN_STEP_TYPES),
      } as const;
      // Half the rounds with a ladder (retries counted up it), any number of attempts left.
      const config =
        round % 2 === 0 ? three : { ...three, routing: { ...three.routing, ladder: names } };
      const options = {
        rng,
        explore: rng(),
        exploreReviewer: rng(),
        attempts: 1 + Math.floor(rng() * 3),
      };
      const author = routeLearned(config, history, req, options);
      const reviewer = routeLearned(
        config,
        history,
        { ...req, role: "code_reviewer", authorFamily: author.model.family },
        options,
      );
      expect(reviewer.model.family).not.toBe(author.model.family);
    }
  });
});
