import { describe, expect, it } from "vitest";
import { DEFAULT_MODELS, DEFAULT_RULES } from "../config/defaults.js";
import type { RawRule } from "../config/file-schemas.js";
import type { ModelsConfig } from "../core/project-config.js";
import { defaultLadder, nextOnLadder, unknownLadderModels } from "./escalation-ladder.js";
import { routeByRules } from "./rule-router.js";
import { modelsConfigFromRaw } from "../config/index.js";

const MODELS = {
  ...DEFAULT_MODELS,
  claude_opus: {
    ...DEFAULT_MODELS.claude_sonnet!,
    model: "claude-opus-4-5",
    price: { input: 5, output: 25, cache_read: 0.5, cache_write: 6.25 },
  },
};
const LADDER = ["gemini_flash", "gemini_pro", "claude_sonnet", "claude_opus"];
const req = {
  role: "implementer",
  risk: "medium",
  area: "services",
  stepType: "implementation",
} as const;

function model(config: ModelsConfig, name: string) {
  const m = config.models.get(name);
  if (!m) throw new Error(name);
  return m;
}

describe("nextOnLadder", () => {
  const config = modelsConfigFromRaw(MODELS, DEFAULT_RULES);

  it.each([
    ["gemini_flash", "gemini_pro"],
    ["gemini_pro", "claude_sonnet"],
    ["claude_sonnet", "claude_opus"],
  ])("after %s failed, retries on %s", (failed, next) => {
    const d = nextOnLadder(config, LADDER, model(config, failed), req);
    expect(d).toMatchObject({ escalated: true });
    expect(d.model.name).toBe(next);
    expect(d.reason).toContain(`escalated after ${failed} failed`);
  });

  it("stays on the strongest model at the top of the ladder", () => {
    const d = nextOnLadder(config, LADDER, model(config, "claude_opus"), req);
    expect(d).toMatchObject({ escalated: false });
    expect(d.model.name).toBe("claude_opus");
    expect(d.reason).toContain("top of the ladder");
  });

  it("starts above the failed model's tier when it is not on the ladder", () => {
    const d = nextOnLadder(
      config,
      ["gemini_flash", "claude_sonnet"],
      model(config, "gemini_pro"),
      req,
    );
    expect(d.model.name).toBe("claude_sonnet");
  });

  it("keeps a reviewer of another family possible at every rung", () => {
    let current = model(config, "gemini_flash");
    for (let attempt = 0; attempt < 4; attempt++) {
      const reviewer = routeByRules(config, {
        ...req,
        role: "code_reviewer",
        authorFamily: current.family,
      });
      expect(reviewer.model.family).not.toBe(current.family);
      current = nextOnLadder(config, LADDER, current, req).model;
    }
  });

  it("skips models that only a reviewer of their own family could review", () => {
    // Reviewers are Anthropic only: an Anthropic implementer could not be cross-reviewed.
    const rules: RawRule[] = [
      ...DEFAULT_RULES.filter((r) => r.role !== "code_reviewer"),
      { role: "code_reviewer", use: ["claude_sonnet", "claude_opus"] },
    ];
    const strict = modelsConfigFromRaw(MODELS, rules);
    const d = nextOnLadder(strict, LADDER, model(strict, "gemini_pro"), req);
    expect(d).toMatchObject({ escalated: false });
    expect(d.model.name).toBe("gemini_pro");
    expect(d.reason).toContain("nothing above can be cross-reviewed (claude_sonnet, claude_opus)");
    const fromFlash = nextOnLadder(
      strict,
      ["gemini_flash", "claude_sonnet", "gemini_pro"],
      model(strict, "gemini_flash"),
      req,
    );
    expect(fromFlash.model.name).toBe("gemini_pro");
    expect(fromFlash.reason).toContain("skipped claude_sonnet");
  });
});

describe("defaultLadder", () => {
  it("orders the configured models from the cheapest tier up, by price within a tier", () => {
    const config = modelsConfigFromRaw(MODELS, DEFAULT_RULES);
    expect(defaultLadder(config)).toEqual(LADDER);
    expect(unknownLadderModels(config, ["gemini_flash", "gpt_5"])).toEqual(["gpt_5"]);
  });
});
