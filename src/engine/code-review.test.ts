import { afterEach, describe, expect, it } from "vitest";
import type { ModelsConfig } from "../core/project-config.js";
import { answer, happyScript, reviewCode } from "../../test/support/script-builder.js";
import type { ScriptedStep } from "../../test/support/script-builder.js";
import { createHarness, rule, scripted } from "../../test/support/engine-harness.js";
import type { Harness } from "../../test/support/engine-harness.js";

const STEPS: ScriptedStep[] = [
  { id: "S1", description: "Create the greeting module", files: { "src/greet.txt": "hello\n" } },
];

/** Claude implements; Gemini and GPT (two other families) review. */
function threeFamilies(m: ModelsConfig): ModelsConfig {
  const gpt = scripted("gpt", "openai", "strong");
  return {
    models: new Map([...m.models, [gpt.name, gpt]]),
    routing: {
      ...m.routing,
      rules: [
        rule(1, ["planner", "implementer"], ["claude"]),
        rule(2, ["plan_reviewer", "code_reviewer"], ["gemini", "gpt"]),
      ],
    },
  };
}

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.repo.cleanup();
  harness = undefined;
});

async function reviewsOf(h: Harness) {
  return (await h.store.events(h.task.id)).flatMap((e) =>
    e.body.type === "code.reviewed" ? [e.body] : [],
  );
}

describe("code review with min_reviews.code", () => {
  it("asks two reviewers of other families, records each, and commits when both approve", async () => {
    harness = await createHarness({
      script: happyScript("T-1", STEPS),
      quality: { minCodeReviews: 2 },
      models: threeFamilies,
    });
    const outcome = await harness.run();
    expect(outcome.status).toBe("DONE");
    const reviews = await reviewsOf(harness);
    expect(reviews.map((r) => [r.stepId, r.attempt, r.reviewer])).toEqual([
      ["S1", 1, "gemini"],
      ["S1", 1, "gpt"],
    ]);
    const message = await harness.repo.sh("log", "-1", "--format=%B", "orchestrator/T-1");
    expect(message).toContain("Reviewed-By: gemini (approved), gpt (approved)");
  });

  it("sends the change back when one of them asks for changes, with every reviewer's findings", async () => {
    harness = await createHarness({
      script: happyScript("T-1", STEPS, [
        answer({
          role: "code_reviewer",
          model: "gemini",
          attempt: 1,
          text: reviewCode("needs_changes", ["Add a trailing exclamation mark"]),
        }),
        answer({
          role: "code_reviewer",
          model: "gpt",
          attempt: 1,
          text: reviewCode("needs_changes", ["Greet in capitals"]),
        }),
        answer({
          role: "implementer",
          step: "S1",
          attempt: 2,
          files: { "src/greet.txt": "HI!\n" },
        }),
      ]),
      quality: { minCodeReviews: 2 },
      models: threeFamilies,
    });
    const outcome = await harness.run();
    expect(outcome.status).toBe("DONE");
    const prompts = (await harness.store.events(harness.task.id)).flatMap((e) =>
      e.body.type === "model.call" && e.body.role === "implementer" ? [e.body.prompt] : [],
    );
    expect(prompts).toHaveLength(2);
    expect(prompts[1]).toContain("Code review (gemini) needs_changes");
    expect(prompts[1]).toContain("Add a trailing exclamation mark");
    expect(prompts[1]).toContain("Code review (gpt) needs_changes");
    expect(prompts[1]).toContain("Greet in capitals");
    expect((await reviewsOf(harness)).map((r) => `${r.attempt}:${r.reviewer}`)).toEqual([
      "1:gemini",
      "1:gpt",
      "2:gemini",
      "2:gpt",
    ]);
  });

  it("one approval is not enough: a rejection by the second reviewer escalates after the last attempt", async () => {
    harness = await createHarness({
      script: happyScript("T-1", STEPS, [
        answer({
          role: "code_reviewer",
          model: "gpt",
          text: reviewCode("rejected", ["Wrong file"]),
        }),
      ]),
      quality: { minCodeReviews: 2, maxAttempts: 1 },
      models: threeFamilies,
    });
    const outcome = await harness.run();
    expect(outcome.status).toBe("AWAITING_HUMAN_REVIEW");
    expect(outcome.view.escalation?.reason).toBe("review_rejected");
    expect(outcome.view.escalation?.detail).toContain("code review by gpt rejected");
    expect(outcome.view.escalation?.detail).not.toContain("by gemini");
    expect(await harness.branchLog()).toEqual([]);
  });

  it("escalates with a clear message when no second reviewer of another family exists", async () => {
    // The harness's two families: Claude implements, only Gemini is of another family.
    harness = await createHarness({
      script: happyScript("T-1", STEPS),
      quality: { minCodeReviews: 2 },
    });
    const outcome = await harness.run();
    expect(outcome.status).toBe("AWAITING_HUMAN_REVIEW");
    expect(outcome.view.escalation?.detail).toContain(
      "min_reviews.code asks for 2 reviewers, but no model of another family than claude is left after gemini",
    );
  });
});
