import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PlanSchema } from "../core/plan.js";
import type { CheckSpec } from "../core/project-config.js";
import type { Plan } from "../core/plan.js";
import { renderCodeReviewerPrompt } from "./code-reviewer-prompt.js";
import type { ContextBundle } from "./context-files.js";
import { truncateDiff } from "./diff-truncation.js";
import { renderImplementerPrompt, stepContextPaths } from "./implementer-prompt.js";
import { renderPlanReviewerPrompt } from "./plan-reviewer-prompt.js";
import { renderPlannerPrompt } from "./planner-prompt.js";
import { gateCapabilities } from "./prompt-views.js";
import { PROMPT_SPLIT_MARKER, PromptTemplates } from "./prompt-templates.js";
import { renderRepairPrompt } from "./repair-prompt.js";
import { parseCodeReviewAnswer, parsePlanAnswer, parsePlanReviewAnswer } from "./role-answers.js";

const task = {
  id: "RAE-001",
  goal: "Implement search strategies: semantic, working memory, hybrid",
  risk: "high" as const,
  area: "core",
  constraints: [
    "ZERO-WARNINGS",
    "85%+ test coverage",
    "No breaking changes",
    "Prefer small functions",
  ],
  // The configured gate reports warnings and coverage and runs the tests.
  gate: { warnings: true, coverage: true, breaking: true },
};

const otherTask = { ...task, id: "DOC-9", goal: "Update the README", constraints: [] };

const plan: Plan = PlanSchema.parse({
  task_id: "RAE-001",
  steps: [
    {
      id: "S1",
      type: "implementation",
      description: "Implement HybridSearchEngine fusing semantic and working-memory results",
      risk: "high",
      files_to_read: ["rae_core/search/base.py"],
      files_to_create: ["rae_core/search/hybrid.py"],
      files_to_modify: ["rae_core/search/__init__.py"],
      tests_required: true,
      coverage_target: "90%",
    },
    { id: "S2", type: "docs", description: "Document the hybrid engine in docs/search.md" },
  ],
});
const step = plan.steps[0]!;

const bundle = (
  files: ContextBundle["files"],
  rest: Partial<ContextBundle> = {},
): ContextBundle => ({
  files,
  omitted: [],
  missing: [],
  skipped: [],
  ...rest,
});

function plannerInput(overrides: Partial<Parameters<typeof renderPlannerPrompt>[0]> = {}) {
  return {
    task,
    repository: {
      status: " M rae_core/search/base.py\n?? notes.txt\n",
      tree: "rae_core/\n  search/ (4 files)",
    },
    context: bundle(
      [
        {
          path: "docs/RAE_PHASE2_PLAN.md",
          content: "# Phase 2\nHybrid search.\n",
          truncated: false,
        },
      ],
      {
        omitted: ["rae_core/search/big.py"],
        missing: ["docs/MISSING.md"],
      },
    ),
    policies: {
      docs: [
        {
          path: "docs/AUTONOMOUS_OPERATIONS.md",
          content: "Never push to main.\n",
          truncated: true,
        },
      ],
      skipped: [],
    },
    ...overrides,
  };
}

/** The first ```json example in a system part. */
function exampleJson(system: string): string {
  const match = /```json\n([\s\S]*?)\n```/.exec(system);
  if (!match?.[1]) throw new Error("no JSON example in the system part");
  return match[1];
}

describe("renderPlannerPrompt", () => {
  it("puts the task, labelled constraints, repository state, context and policies in the prompt", () => {
    const { system, prompt } = renderPlannerPrompt(plannerInput());
    expect(prompt).toContain("## Task RAE-001");
    expect(prompt).toContain("Goal: Implement search strategies: semantic, working memory, hybrid");
    expect(prompt).toContain("- ZERO-WARNINGS  [machine-checked: ZERO-WARNINGS");
    expect(prompt).toContain("- 85%+ test coverage  [machine-checked: COVERAGE >= 85%]");
    expect(prompt).toContain("- No breaking changes  [machine-checked: NO BREAKING CHANGES");
    expect(prompt).toContain("- Prefer small functions  [guideline");
    expect(prompt).toContain(" M rae_core/search/base.py\n?? notes.txt");
    expect(prompt).toContain("  search/ (4 files)");
    expect(prompt).toContain("### docs/RAE_PHASE2_PLAN.md\n```\n# Phase 2\nHybrid search.\n```");
    expect(prompt).toContain("rae_core/search/big.py: omitted, the context budget was used up");
    expect(prompt).toContain("docs/MISSING.md: no such file or folder");
    expect(prompt).toContain("### docs/AUTONOMOUS_OPERATIONS.md (TRUNCATED");
    expect(prompt).toContain('task_id "RAE-001" with plan_version 1');
    expect(prompt).not.toContain("Revision");
    expect(system).toContain("task_id (string, required)");
    expect(system).not.toContain("Implement search strategies");
    expect(system).not.toContain("RAE-001 ");
  });

  it("shows the previous plan and the findings on a revision round", () => {
    const { prompt } = renderPlannerPrompt(
      plannerInput({
        revision: {
          round: 2,
          previousPlan: plan,
          feedback: "Missing steps:\n- Update __init__.py exports",
        },
      }),
    );
    expect(prompt).toContain("# Revision (planning round 2)");
    expect(prompt).toContain('"description": "Implement HybridSearchEngine');
    expect(prompt).toContain("- Update __init__.py exports");
    expect(prompt).toContain("plan_version 2");
  });

  it("keeps the system part identical for different tasks, and its example plan is valid", () => {
    const a = renderPlannerPrompt(plannerInput());
    const b = renderPlannerPrompt(
      plannerInput({ task: otherTask, revision: { round: 3, feedback: "x" } }),
    );
    expect(a.system).toBe(b.system);
    expect(a.prompt).not.toBe(b.prompt);
    expect(parsePlanAnswer(exampleJson(a.system), "RAE-001").ok).toBe(true);
  });

  it("quotes a file containing ``` with a longer fence", () => {
    const context = bundle([
      { path: "README.md", content: "```bash\nnpm test\n```\n", truncated: false },
    ]);
    const { prompt } = renderPlannerPrompt(plannerInput({ context }));
    expect(prompt).toContain("### README.md\n````\n```bash\nnpm test\n```\n````");
  });
});

describe("constraints labelled machine-checked", () => {
  it("only when a configured check backs them", () => {
    const checks: CheckSpec[] = [
      {
        name: "tests",
        kind: "tests",
        command: "npm test",
        timeoutMs: 0,
        env: {},
        reports: [{ format: "tap" }],
        policy: "no_new",
        tolerancePct: 0,
      },
    ];
    const testsOnly = renderPlannerPrompt(
      plannerInput({ task: { ...task, gate: gateCapabilities(checks) } }),
    ).prompt;
    expect(testsOnly).toContain("- No breaking changes  [machine-checked: NO BREAKING CHANGES");
    expect(testsOnly).toContain(
      "- ZERO-WARNINGS  [guideline, judged by the reviewers (no configured check reports warnings)]",
    );
    expect(testsOnly).toContain(
      "- 85%+ test coverage  [guideline, judged by the reviewers (no configured check reports coverage)]",
    );
    const none = renderCodeReviewerPrompt({
      task: { ...task, gate: gateCapabilities([]) },
      plan,
      step,
      diff: "",
      summary: "",
    }).prompt;
    expect(none).not.toContain("[machine-checked");
    expect(none).toContain("(no configured check runs the tests)");
  });
});

describe("renderPlanReviewerPrompt", () => {
  it("shows the task, its constraints and the plan JSON", () => {
    const { system, prompt } = renderPlanReviewerPrompt({ task, plan });
    expect(prompt).toContain("Goal: Implement search strategies");
    expect(prompt).toContain("[machine-checked: COVERAGE >= 85%]");
    expect(prompt).toContain('"task_id": "RAE-001"');
    expect(prompt).toContain('plan_id "RAE-001-v1"');
    expect(system).toContain('"approved"');
    expect(system).toContain('"needs_revision"');
    expect(system).toContain('"rejected"');
    expect(parsePlanReviewAnswer(exampleJson(system)).ok).toBe(true);
  });

  it("does not ask for a revised plan, and an approval that carries one approves the planner's plan", () => {
    const { system, prompt } = renderPlanReviewerPrompt({ task, plan });
    expect(`${system}\n${prompt}`).not.toContain("revised_plan");
    expect(system).toContain("Do not write a revised plan yourself");
    const parsed = parsePlanReviewAnswer(
      JSON.stringify({ status: "approved", revised_plan: { task_id: "RAE-001", steps: [] } }),
    );
    expect(parsed.ok && parsed.value).toEqual({
      status: "approved",
      review: { missing_steps: [], concerns: [], suggestions: [] },
    });
  });

  it("asks to check the previous round's findings", () => {
    const { prompt } = renderPlanReviewerPrompt({
      task,
      plan,
      round: 2,
      previousFindings: "Concerns:\n- S1 too big",
    });
    expect(prompt).toContain("planning round 2");
    expect(prompt).toContain("- S1 too big");
  });
});

describe("renderImplementerPrompt", () => {
  const files = bundle(
    [
      {
        path: "rae_core/search/__init__.py",
        content: "from .base import Base\n",
        truncated: false,
      },
    ],
    { missing: ["rae_core/search/hybrid.py", "rae_core/search/base.py"] },
  );

  it("text mode: documents the edit format and shows the step, the files and the feedback", () => {
    const { system, prompt } = renderImplementerPrompt({
      task,
      plan,
      step,
      mode: "text",
      files,
      attempt: 2,
      feedback: [
        { source: "code_review", text: "- Add type hints to _fuse_results" },
        { source: "quality_gate", text: "pytest: test_hybrid_search failed" },
        { source: "edit_errors", text: "rae_core/x.py: the SEARCH text matched 0 times" },
      ],
    });
    expect(system).toContain("<<<<<<< WRITE path/to/file.ext");
    expect(system).toContain("<<<<<<< SEARCH path/to/file.ext");
    expect(system).toContain(">>>>>>> REPLACE");
    expect(system).toContain("all-or-nothing");
    expect(prompt).toContain("# Implement step S1 (attempt 2)");
    expect(prompt).toContain(
      "Description: Implement HybridSearchEngine fusing semantic and working-memory results",
    );
    expect(prompt).toContain("Files to create: rae_core/search/hybrid.py");
    expect(prompt).toContain("Coverage target: 90%");
    expect(prompt).toContain("-> S1 [implementation, high risk]");
    expect(prompt).toContain("   S2 [docs, medium risk]");
    expect(prompt).toContain("### rae_core/search/__init__.py\n```\nfrom .base import Base\n```");
    expect(prompt).toContain("- Add type hints to _fuse_results");
    expect(prompt).toContain("### Quality gate failures");
    expect(prompt).toContain("pytest: test_hybrid_search failed");
    expect(prompt).toContain("Your previous edits could not be applied");
    // A file the step creates is expected to be missing; one it reads is worth a note.
    expect(prompt).not.toContain("rae_core/search/hybrid.py: no such file");
    expect(prompt).toContain("rae_core/search/base.py: no such file or folder");
  });

  it("agent mode: asks for edits in the working directory and a summary, without the edit format", () => {
    const { system, prompt } = renderImplementerPrompt({ task, plan, step, mode: "agent", files });
    expect(system).toContain("editing files directly in your working directory");
    expect(system).toContain("Do NOT commit");
    expect(system).toContain("short summary");
    expect(system).not.toContain("<<<<<<< WRITE");
    expect(prompt).toContain("# Implement step S1 (attempt 1)");
    expect(prompt).not.toContain("Feedback to address");
  });

  it("keeps each mode's system part independent of the task", () => {
    for (const mode of ["text", "agent"] as const) {
      const a = renderImplementerPrompt({ task, plan, step, mode, files });
      const b = renderImplementerPrompt({
        task: otherTask,
        plan,
        step: plan.steps[1]!,
        mode,
        files: bundle([]),
      });
      expect(a.system).toBe(b.system);
    }
  });

  it("lists the step's files: to modify, to create, to read", () => {
    expect(stepContextPaths(step)).toEqual([
      "rae_core/search/__init__.py",
      "rae_core/search/hybrid.py",
      "rae_core/search/base.py",
    ]);
  });
});

describe("renderCodeReviewerPrompt", () => {
  const diff = [
    "diff --git a/rae_core/search/hybrid.py b/rae_core/search/hybrid.py",
    "new file mode 100644",
    "--- /dev/null",
    "+++ b/rae_core/search/hybrid.py",
    "@@ -0,0 +1,2 @@",
    "+class HybridSearchEngine:",
    "+    pass",
    "",
  ].join("\n");

  it("shows the step, the plan, the summary, the feedback and the diff", () => {
    const { system, prompt } = renderCodeReviewerPrompt({
      task,
      plan,
      step,
      diff,
      summary: "Added the engine. Confidence: medium",
      feedback: [{ source: "code_review", text: "- Add a docstring" }],
      attempt: 2,
    });
    expect(prompt).toContain("# Review the change for step S1 (attempt 2)");
    expect(prompt).toContain("Description: Implement HybridSearchEngine");
    expect(prompt).toContain("-> S1 [implementation, high risk]");
    expect(prompt).toContain("Added the engine. Confidence: medium");
    expect(prompt).toContain("- Add a docstring");
    expect(prompt).toContain("Files changed: rae_core/search/hybrid.py");
    expect(prompt).toContain(`\`\`\`diff\n${diff}\`\`\``);
    expect(prompt).toContain('step_id "S1"');
    expect(prompt).not.toContain("TRUNCATED");
    expect(system).toContain('"needs_changes"');
    expect(parseCodeReviewAnswer(exampleJson(system)).ok).toBe(true);
  });

  it("truncates a very large diff with a note naming the files not shown", () => {
    const second = diff.replaceAll("hybrid.py", "other.py");
    const big = diff + "+x\n".repeat(2000) + second;
    const { prompt } = renderCodeReviewerPrompt({
      task,
      plan,
      step,
      diff: big,
      maxDiffChars: 1000,
    });
    expect(prompt).toContain(
      `TRUNCATED: ${truncateDiff(big, 1000).text.length} of ${big.length} characters`,
    );
    expect(prompt).toContain("not shown at all: rae_core/search/other.py");
    expect(prompt).not.toContain("+++ b/rae_core/search/other.py");
  });

  it("says when the change is empty", () => {
    expect(renderCodeReviewerPrompt({ task, plan, step, diff: "" }).prompt).toContain(
      "The change is empty",
    );
  });
});

describe("renderRepairPrompt", () => {
  it("quotes the answer and the error and restates the expected format", () => {
    const error = "the JSON does not match the required shape:\n- steps[0].risk: Invalid option";
    const plan = renderRepairPrompt({
      previousAnswer: '{"task_id": "X"}',
      error,
      expected: "plan",
    });
    expect(plan.prompt).toContain(error);
    expect(plan.prompt).toContain('{"task_id": "X"}');
    expect(plan.prompt).toContain('"estimated_complexity"');
    const review = renderRepairPrompt({
      previousAnswer: "oops",
      error: "no JSON",
      expected: "code_review",
    });
    expect(review.prompt).toContain('"needs_changes"');
    expect(review.system).toBe(plan.system);
    const edits = renderRepairPrompt({ previousAnswer: "x", error: "line 1", expected: "edits" });
    expect(edits.prompt).toContain("<<<<<<< SEARCH path/to/file.ext");
  });
});

describe("PromptTemplates", () => {
  it("refuses variables in a system part and templates without the split marker", async () => {
    const dir = await mkdtemp(join(tmpdir(), "agents-templates-"));
    try {
      await writeFile(join(dir, "planner.njk"), `Hello {{ task.id }}\n${PROMPT_SPLIT_MARKER}\nx`);
      await writeFile(join(dir, "repair.njk"), "no marker");
      const templates = new PromptTemplates(dir);
      expect(() => templates.render("planner", { task: { id: "T" } })).toThrow(/undefined|null/);
      expect(() => templates.render("repair", {})).toThrow(/has no/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("fails loudly on a missing variable in the prompt part", () => {
    const templates = new PromptTemplates();
    expect(() => templates.render("plan-reviewer", {})).toThrow();
  });
});
