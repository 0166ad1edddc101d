import { describe, expect, it } from "vitest";
import { buildCommitMessage } from "./commit-message.js";

describe("buildCommitMessage", () => {
  it("puts subject, body and one trailer block with the orchestrator trailers first", () => {
    const message = buildCommitMessage({
      taskId: "TASK-1",
      stepId: "S2",
      subject: "feat(TASK-1): S2 implement X",
      body: "Adds X.\n\n# Why\nBecause.",
      trailers: { "Implemented-By": "claude_sonnet", "Quality-Gate": "passed (tests:ok)" },
    });
    expect(message).toBe(
      [
        "feat(TASK-1): S2 implement X",
        "",
        "Adds X.",
        "",
        "# Why",
        "Because.",
        "",
        "Orchestrator-Task: TASK-1",
        "Orchestrator-Step: S2",
        "Implemented-By: claude_sonnet",
        "Quality-Gate: passed (tests:ok)",
        "",
      ].join("\n"),
    );
  });

  it("folds multi-line values, normalises keys, drops empty and reserved trailers", () => {
    const message = buildCommitMessage({
      taskId: "T",
      stepId: "S1",
      subject: "fix: a\nb",
      trailers: {
        "Reviewed By": "gemini\n(approve)",
        Empty: "  ",
        "orchestrator-step": "S9",
      },
    });
    expect(message).toBe(
      "fix: a b\n\nOrchestrator-Task: T\nOrchestrator-Step: S1\nReviewed-By: gemini (approve)\n",
    );
  });

  it("falls back to a subject naming the task and step when none is given", () => {
    expect(buildCommitMessage({ taskId: "T", stepId: "S1", subject: " ", trailers: {} })).toMatch(
      /^chore\(T\): S1\n\n/,
    );
  });
});
