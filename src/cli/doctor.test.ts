import { describe, expect, it } from "vitest";
import type { ModelProvider } from "../core/ports.js";
import type { ModelSpec, ModelsConfig } from "../core/project-config.js";
import type { ProviderCheck } from "../core/provider-errors.js";
import { UserError } from "../core/errors.js";
import { rule, scripted } from "../../test/support/engine-harness.js";
import { pickableModels, runDoctor } from "./doctor.js";

const claude: ModelSpec = { ...scripted("claude", "anthropic", "strong"), provider: "claude-cli" };
const gemini: ModelSpec = { ...scripted("gemini", "google", "medium"), provider: "gemini-cli" };
const spare: ModelSpec = { ...scripted("spare", "openai", "cheap"), provider: "codex-cli" };
const script: ModelSpec = { ...scripted("script", "test", "cheap"), script: "/x/s.yaml" };
const api: ModelSpec = { ...scripted("api", "openai", "medium"), provider: "openai-compatible" };

function config(ladder?: string[]): ModelsConfig {
  return {
    models: new Map([claude, gemini, spare, script, api].map((m) => [m.name, m])),
    routing: {
      strategy: "rules",
      crossReview: true,
      implementerMode: "text",
      rules: [
        rule(1, ["planner", "implementer"], ["claude"]),
        rule(2, ["plan_reviewer", "code_reviewer"], ["gemini", "claude"]),
      ],
      ...(ladder ? { ladder } : {}),
    },
  };
}

/** Providers with a scripted check result per model (none: no check method). */
function providers(checks: Record<string, ProviderCheck | "throws" | "unavailable" | undefined>) {
  const offline: boolean[] = [];
  const providerFor = (spec: ModelSpec): ModelProvider => {
    const check = checks[spec.name];
    if (check === "unavailable") throw new UserError(`model ${spec.name}: provider not available`);
    const base = {
      name: spec.name,
      family: spec.family,
      kind: spec.provider,
      complete: () => Promise.reject(new Error("not called")),
    };
    if (check === undefined) return base;
    return {
      ...base,
      check: (o: { offline: boolean }) => {
        offline.push(o.offline);
        return check === "throws" ? Promise.reject(new Error("boom")) : Promise.resolve(check);
      },
    };
  };
  return { providerFor, offline };
}

const ok = (found: string): ProviderCheck => ({
  ok: true,
  found,
  version: "1.0",
  problems: [],
  fixes: [],
});
const missing: ProviderCheck = {
  ok: false,
  problems: ['claude-cli binary "claude" not found'],
  fixes: ["npm install -g @anthropic-ai/claude-code, or set binary: to its path for model claude"],
};

describe("runDoctor", () => {
  it("is ok when every routed model is usable, whatever the others", async () => {
    const p = providers({ claude: ok("claude 1.0"), gemini: ok("gemini 1.0"), spare: missing });
    const report = await runDoctor(config(), p.providerFor, { offline: true });
    expect(report.ok).toBe(true);
    expect(p.offline).toEqual([true, true, true]);
    expect(report.models.map((m) => [m.name, m.routed, m.status])).toEqual([
      ["claude", true, "ok"],
      ["gemini", true, "ok"],
      ["spare", false, "problem"],
      ["script", false, "ok"],
      ["api", false, "unchecked"],
    ]);
    expect(report.models[3]?.found).toBe("answers from /x/s.yaml");
    expect(report.models[4]?.found).toBe("no check available");
  });

  it("fails when a routed model cannot run, with the adapter's problem and fix", async () => {
    const p = providers({ claude: missing, gemini: ok("gemini 1.0") });
    const report = await runDoctor(config(), p.providerFor, { offline: false });
    expect(report.ok).toBe(false);
    expect(p.offline).toEqual([false, false]);
    expect(report.models[0]).toMatchObject({
      name: "claude",
      routed: true,
      status: "problem",
      problems: missing.problems,
      fixes: missing.fixes,
    });
  });

  it("counts ladder rungs as routed", async () => {
    expect([...pickableModels(config(["spare", "claude"]))]).toEqual(["claude", "gemini", "spare"]);
    const p = providers({ claude: ok("c"), gemini: ok("g"), spare: missing });
    expect(
      (await runDoctor(config(["spare", "claude"]), p.providerFor, { offline: true })).ok,
    ).toBe(false);
  });

  it("reports a provider this version cannot build, and a check that throws", async () => {
    const p = providers({ claude: "unavailable", gemini: "throws" });
    const report = await runDoctor(config(), p.providerFor, { offline: true });
    expect(report.ok).toBe(false);
    expect(report.models[0]?.problems).toEqual(["model claude: provider not available"]);
    expect(report.models[0]?.fixes[0]).toMatch(/^use another provider for model claude/);
    expect(report.models[1]?.problems).toEqual(["the check failed: boom"]);
  });
});
