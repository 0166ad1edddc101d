import { afterEach, describe, expect, it } from "vitest";
import type { EventBody } from "../core/events.js";
import type { ModelProvider } from "../core/ports.js";
import type { ModelsConfig } from "../core/project-config.js";
import { ProviderError } from "../core/provider-errors.js";
import type { ProviderErrorKind } from "../core/provider-errors.js";
import type { Role } from "../core/task.js";
import { happyScript } from "../../test/support/script-builder.js";
import type { ScriptedStep } from "../../test/support/script-builder.js";
import { createHarness, rule, scripted } from "../../test/support/engine-harness.js";
import type { Harness } from "../../test/support/engine-harness.js";

const STEPS: ScriptedStep[] = [
  { id: "S1", description: "Create the greeting module", files: { "src/greet.txt": "hello\n" } },
  { id: "S2", description: "Test the greeting", type: "testing", files: { "t.txt": "ok\n" } },
];

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.repo.cleanup();
  harness = undefined;
});

/** Makes the named model fail every call of the given roles with `kind`. */
function failing(model: string, roles: readonly Role[], kind: ProviderErrorKind) {
  return (provider: ModelProvider): ModelProvider =>
    provider.name !== model
      ? provider
      : {
          name: provider.name,
          family: provider.family,
          kind: provider.kind,
          complete: (request) =>
            roles.includes(request.role)
              ? Promise.reject(new ProviderError(kind, model, "scripted outage"))
              : provider.complete(request),
        };
}

/** Adds models to the harness's claude (anthropic, strong) and gemini (google, medium). */
function withModels(...extra: ReturnType<typeof scripted>[]) {
  return (m: ModelsConfig): ModelsConfig => ({
    ...m,
    models: new Map([...m.models, ...extra.map((s) => [s.name, s] as const)]),
  });
}

const familyOf: Record<string, string> = {
  claude: "anthropic",
  claude_b: "anthropic",
  gemini: "google",
  gpt: "openai",
};

function calls(events: readonly EventBody[]) {
  return events.flatMap((b) => (b.type === "model.call" ? [b] : []));
}

describe("model failures in the engine", () => {
  it("falls back from a failing implementer to a same-tier model and commits with its name", async () => {
    harness = await createHarness({
      script: happyScript("T-1", STEPS),
      models: withModels(
        scripted("claude_b", "anthropic", "strong"),
        scripted("gpt", "openai", "strong"),
      ),
      wrapProvider: failing("claude", ["implementer"], "overloaded"),
    });
    const outcome = await harness.run();
    expect(outcome.status).toBe("DONE");
    const events = (await harness.store.events(harness.task.id)).map((e) => e.body);

    // Each try of the failing model is a recorded call with its error kind.
    const failed = calls(events).filter((c) => !c.ok);
    expect(failed.length).toBeGreaterThanOrEqual(4);
    expect(failed.every((c) => c.model === "claude" && c.errorKind === "overloaded")).toBe(true);
    // The first step: 1 try + 3 retries, then the fallback, recorded as a routing decision.
    const s1 = calls(events).filter((c) => c.role === "implementer" && c.stepId === "S1");
    expect(s1.map((c) => `${c.model}:${c.ok}`)).toEqual([
      "claude:false",
      "claude:false",
      "claude:false",
      "claude:false",
      "claude_b:true",
    ]);
    const fallback = events.find(
      (b) => b.type === "routing.decision" && b.reason.includes("fallback from claude"),
    );
    expect(fallback).toMatchObject({ role: "implementer", model: "claude_b", stepId: "S1" });

    // The commit names the model that really wrote it; its reviewer is of another family.
    const s1Message = await harness.repo.sh("log", "-1", "--format=%B", "orchestrator/T-1~1");
    expect(s1Message).toContain("Implemented-By: claude_b");
    expect(s1Message).toContain("Reviewed-By: gemini (approved)");
    for (const b of events) {
      if (b.type !== "code.reviewed") continue;
      expect(familyOf[b.reviewer]).not.toBe("anthropic");
    }
  });

  it("cools a model down after failed calls in a row and skips it for later steps", async () => {
    harness = await createHarness({
      script: happyScript("T-1", [
        ...STEPS,
        { id: "S3", description: "More", files: { "more.txt": "more\n" } },
        { id: "S4", description: "Even more", files: { "even.txt": "even\n" } },
      ]),
      // A success resets the count, so claude reviews nothing here.
      models: (m) => ({
        ...withModels(scripted("gpt", "openai", "strong"))(m),
        routing: {
          ...m.routing,
          rules: [
            rule(1, ["planner", "implementer"], ["claude"]),
            rule(2, ["plan_reviewer", "code_reviewer"], ["gemini"]),
          ],
        },
      }),
      wrapProvider: failing("claude", ["implementer"], "overloaded"),
    });
    const outcome = await harness.run();
    expect(outcome.status).toBe("DONE");
    const events = (await harness.store.events(harness.task.id)).map((e) => e.body);
    const tries = (step: string) =>
      calls(events).filter(
        (c) => c.role === "implementer" && c.stepId === step && c.model === "claude",
      ).length;
    expect([tries("S1"), tries("S2"), tries("S3"), tries("S4")]).toEqual([4, 4, 4, 0]);
    const note = events.find((b) => b.type === "note" && b.message.includes("cooled down"));
    expect(note).toMatchObject({ level: "warn" });
    expect(note?.type === "note" ? note.message : "").toMatch(
      /^model claude cooled down until .* after 3 failed call\(s\) in a row \(last: claude: overloaded: scripted outage\)/,
    );
    const message = await harness.repo.sh("log", "-1", "--format=%B", "orchestrator/T-1");
    expect(message).toContain("Implemented-By: gpt");
    expect(message).toContain("Reviewed-By: gemini (approved)");
  });

  it("keeps cross-review when a reviewer falls back: a same-family stand-in is skipped", async () => {
    harness = await createHarness({
      script: happyScript("T-1", STEPS),
      models: (m) => ({
        ...withModels(
          scripted("gpt", "openai", "strong"),
          scripted("claude_b", "anthropic", "strong"),
          scripted("grok", "xai", "strong"),
        )(m),
        routing: {
          ...m.routing,
          rules: [
            rule(1, ["planner", "implementer"], ["claude"]),
            rule(2, ["plan_reviewer", "code_reviewer"], ["gpt", "claude"]),
          ],
        },
      }),
      wrapProvider: failing("gpt", ["plan_reviewer", "code_reviewer"], "auth"),
    });
    const outcome = await harness.run();
    expect(outcome.status).toBe("DONE");
    const events = (await harness.store.events(harness.task.id)).map((e) => e.body);
    const reviewers = events.flatMap((b) =>
      b.type === "plan.reviewed" || b.type === "code.reviewed" ? [b.reviewer] : [],
    );
    // claude and claude_b are the author's family: grok stands in for gpt.
    expect(reviewers).toEqual(["grok", "grok", "grok"]);
    // auth is not retried: one try, then the cooldown starts at once.
    const gptCalls = calls(events).filter((c) => c.model === "gpt");
    expect(gptCalls).toHaveLength(1);
    expect(gptCalls[0]).toMatchObject({ ok: false, errorKind: "auth" });
  });

  it("escalates with model_error and a clear message when no model can stand in", async () => {
    harness = await createHarness({
      script: happyScript("T-1", STEPS),
      wrapProvider: failing("claude", ["implementer"], "bad_request"),
    });
    const outcome = await harness.run();
    expect(outcome.status).toBe("AWAITING_HUMAN_REVIEW");
    expect(outcome.view.escalation).toMatchObject({ reason: "model_error", scope: "step" });
    expect(outcome.view.escalation?.detail).toBe(
      "implementer: model claude failed: claude: bad request: scripted outage (1 try); " +
        "no other model of tier strong is configured",
    );
    // One try only (bad requests are not retried) and no second attempt at the step.
    const events = (await harness.store.events(harness.task.id)).map((e) => e.body);
    expect(calls(events).filter((c) => c.role === "implementer")).toHaveLength(1);
  });

  it("escalates the plan review when the only stand-in is of the planner's family", async () => {
    harness = await createHarness({
      script: happyScript("T-1", STEPS),
      models: (m) => ({
        ...withModels(scripted("gemini_b", "google", "medium"))(m),
        routing: {
          ...m.routing,
          rules: [
            rule(1, ["planner", "implementer"], ["gemini"]),
            rule(2, ["plan_reviewer", "code_reviewer"], ["claude"]),
          ],
        },
      }),
      wrapProvider: failing("claude", ["plan_reviewer"], "rate_limit"),
    });
    const outcome = await harness.run();
    expect(outcome.status).toBe("AWAITING_HUMAN_REVIEW");
    expect(outcome.view.escalation?.reason).toBe("model_error");
    expect(outcome.view.escalation?.detail).toMatch(
      /^plan reviewer: model claude failed: claude: rate limit: scripted outage \(4 tries\); no other model of tier strong is configured$/,
    );
  });
});
