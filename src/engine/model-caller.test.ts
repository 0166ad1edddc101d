import { describe, expect, it } from "vitest";
import type { ModelsConfig } from "../core/project-config.js";
import { rule, scripted } from "../../test/support/engine-harness.js";
import { fallbackModels } from "./model-caller.js";

const claude = scripted("claude", "anthropic", "strong");
const geminiUltra = scripted("gemini_ultra", "google", "strong");
const gpt = scripted("gpt", "openai", "strong");
const gemini = scripted("gemini", "google", "medium");
const flash = scripted("flash", "google", "cheap");

/** Authors claude; only gemini (google) reviews code, gemini or gpt review plans. */
function config(crossReview = true): ModelsConfig {
  return {
    models: new Map([claude, geminiUltra, gpt, gemini, flash].map((m) => [m.name, m])),
    routing: {
      strategy: "rules",
      crossReview,
      implementerMode: "text",
      rules: [
        rule(1, ["planner", "implementer"], ["claude"]),
        rule(2, ["code_reviewer"], ["gemini"]),
        rule(3, ["plan_reviewer"], ["gemini", "gpt"]),
      ],
    },
  };
}

const names = (a: { models: readonly { name: string }[] }) => a.models.map((m) => m.name);
const core = { risk: "high", area: "core" };

describe("fallbackModels", () => {
  it("for an author, skips stand-ins that no configured reviewer of another family could review", () => {
    // Code is reviewed only by gemini (google): gemini_ultra could not be cross-reviewed.
    expect(names(fallbackModels(config(), claude, "implementer", core))).toEqual(["gpt"]);
    // Plans are reviewed by gemini or gpt: both stand-ins can be cross-reviewed.
    expect(names(fallbackModels(config(), claude, "planner", core))).toEqual([
      "gemini_ultra",
      "gpt",
    ]);
  });

  it("for a reviewer, skips stand-ins of the author's family", () => {
    const reviewer = fallbackModels(config(), gpt, "code_reviewer", {
      ...core,
      authorFamily: "google",
    });
    expect(names(reviewer)).toEqual(["claude"]);
  });

  it("only offers models of the same tier", () => {
    expect(names(fallbackModels(config(), gemini, "implementer", core))).toEqual([]);
    expect(fallbackModels(config(), gemini, "implementer", core).none).toBe(
      "no other model of tier medium is configured",
    );
  });

  it("ignores families when cross-review is off", () => {
    expect(names(fallbackModels(config(false), claude, "implementer", core))).toEqual([
      "gemini_ultra",
      "gpt",
    ]);
  });

  it("offers nothing when the call does not say what it is for", () => {
    expect(fallbackModels(config(), claude, "implementer", undefined).models).toEqual([]);
  });
});
