import { describe, expect, it } from "vitest";
import { parseCodeReviewAnswer, parsePlanAnswer, parsePlanReviewAnswer } from "./role-answers.js";

/** The error of a failed result; fails the test when the result succeeded. */
function errorOf(result: { ok: true } | { ok: false; error: string }): string {
  if (result.ok) throw new Error("expected a failure, got success");
  return result.error;
}

const plan = (taskId: string): string =>
  JSON.stringify({
    task_id: taskId,
    plan_version: 1,
    steps: [{ id: "S1", type: "implementation", description: "Add the parser" }],
  });

describe("parsePlanAnswer", () => {
  it("accepts a plan for the task, filling defaults", () => {
    const result = parsePlanAnswer(`Plan:\n\`\`\`json\n${plan("RAE-001")}\n\`\`\``, "RAE-001");
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.value.steps[0]?.risk).toBe("medium");
  });

  it("refuses a plan for another task, naming both ids", () => {
    const result = parsePlanAnswer(plan("RAE-002"), "RAE-001");
    expect(errorOf(result)).toMatch(/task_id: must be "RAE-001".*got "RAE-002"/);
  });

  it("reports schema failures with the field path", () => {
    const text = JSON.stringify({
      task_id: "T",
      steps: [{ id: "S1", type: "x", description: "d", risk: "extreme" }],
    });
    const result = parsePlanAnswer(text, "T");
    expect(errorOf(result)).toContain("steps[0].risk");
  });

  it("reports duplicate step ids", () => {
    const text = JSON.stringify({
      task_id: "T",
      steps: [
        { id: "S1", type: "x", description: "d" },
        { id: "S1", type: "x", description: "e" },
      ],
    });
    expect(errorOf(parsePlanAnswer(text, "T"))).toContain('steps[1].id: duplicate step id "S1"');
  });
});

describe("parsePlanReviewAnswer", () => {
  it("accepts an approval without findings", () => {
    expect(parsePlanReviewAnswer('{"status": "approved"}').ok).toBe(true);
  });

  it("refuses a request for revision that says nothing", () => {
    const result = parsePlanReviewAnswer('{"status": "needs_revision", "review": {}}');
    expect(errorOf(result)).toContain("review:");
  });

  it("refuses an unknown status with the allowed values", () => {
    const result = parsePlanReviewAnswer('{"status": "approve"}');
    expect(errorOf(result)).toMatch(/status: .*needs_revision/);
  });
});

describe("parseCodeReviewAnswer", () => {
  const changes = JSON.stringify({
    step_id: "S2",
    status: "needs_changes",
    review: { required_changes: ["Add a docstring"] },
  });

  it("accepts a review of the step", () => {
    const result = parseCodeReviewAnswer(changes, "S2");
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.value.review.required_changes).toEqual(["Add a docstring"]);
  });

  it("refuses a review of another step", () => {
    expect(errorOf(parseCodeReviewAnswer(changes, "S3"))).toContain('step_id: must be "S3"');
  });

  it("refuses needs_changes without required changes", () => {
    const result = parseCodeReviewAnswer('{"status": "needs_changes"}');
    expect(errorOf(result)).toContain("review.required_changes");
  });
});
