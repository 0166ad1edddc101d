import { describe, expect, it } from "vitest";
import { PlanSchema } from "../core/plan.js";
import { emptyView } from "../core/projection.js";
import type { TaskView } from "../core/projection.js";
import { sampleTask } from "../../test/support/store-contract.js";
import { historyFinding } from "./history-findings.js";

function view(status: TaskView["status"], extra: Partial<TaskView> = {}): TaskView {
  return { ...emptyView("T-3"), status, ...extra };
}

describe("historyFinding", () => {
  const task = { ...sampleTask("T-3", "Add divide"), contextFiles: ["src/calc.py"] };

  it("reports an escalated task with its reason, detail and files", () => {
    const finding = historyFinding(
      task,
      view("AWAITING_HUMAN_REVIEW", {
        escalation: {
          reason: "gate_failed",
          detail: "tests failed: test_zero\nmore",
          scope: "step",
          at: 1,
        },
        plan: PlanSchema.parse({
          task_id: "T-3",
          plan_version: 1,
          steps: [
            {
              id: "S1",
              type: "implementation",
              description: "d",
              risk: "low",
              estimated_complexity: "small",
              files_to_read: ["README.md"],
              files_to_create: ["test/test_calc.py"],
              files_to_modify: ["src/calc.py"],
            },
          ],
        }),
      }),
    );
    expect(finding).toEqual({
      kind: "task-history",
      taskId: "T-3",
      state: "ESCALATED",
      reason: "gate_failed",
      detail: "tests failed: test_zero\nmore",
      goal: "Add divide",
      risk: "low",
      area: "core",
      files: ["src/calc.py", "test/test_calc.py"],
    });
  });

  it("reports a failed task and ignores tasks that are done, new or running", () => {
    expect(historyFinding(task, view("FAILED"))).toMatchObject({
      state: "FAILED",
      reason: "failed",
    });
    for (const status of ["DONE", "NEW", "IMPLEMENTING", "ABORTED"] as const)
      expect(historyFinding(task, view(status))).toBeUndefined();
  });
});
