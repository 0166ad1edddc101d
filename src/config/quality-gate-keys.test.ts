import { describe, expect, it } from "vitest";
import {
  cleanUpTempProjects,
  expectProblem,
  lines,
  load,
  messages,
  makeProject,
  type ProblemCase,
} from "../../test/support/temp-project.js";

cleanUpTempProjects();

describe("quality_rules.yaml gate keys", () => {
  it("reads reports, related commands, policies, tolerances, hooks and setup", async () => {
    const text = lines(
      "setup: [ln, -sfn, ../node_modules, node_modules]",
      "checks:",
      "  unit:",
      "    kind: tests",
      "    command: npx vitest run",
      "    related: npx vitest related --run {files}",
      "    report: [{ format: junit, file: .gate/junit.xml }, { format: lcov, file: coverage/lcov.info }]",
      "    tolerance: 0.5",
      "  lint:",
      "    kind: lint",
      "    command: make lint",
      "    report: { format: generic, pattern: '^(?<file>[^:]+):(?<line>\\d+) (?<message>.*)$' }",
      "    policy: zero_in_touched",
      "  hooks: { kind: hooks }",
    );
    const { quality } = await load(await makeProject({ tasks: "[]\n", quality_rules: text }));
    expect(quality.setup).toEqual(["ln", "-sfn", "../node_modules", "node_modules"]);
    expect(quality.checks.get("unit")).toMatchObject({
      related: "npx vitest related --run {files}",
      reports: [
        { format: "junit", file: ".gate/junit.xml" },
        { format: "lcov", file: "coverage/lcov.info" },
      ],
      tolerancePct: 0.5,
      policy: "no_new",
    });
    expect(quality.checks.get("lint")).toMatchObject({
      policy: "zero_in_touched",
      reports: [{ format: "generic", pattern: "^(?<file>[^:]+):(?<line>\\d+) (?<message>.*)$" }],
    });
    expect(quality.checks.get("hooks")).toMatchObject({ kind: "hooks", command: [] });
  });

  const cases: ProblemCase[] = [
    {
      name: "the seed's min_reviews.code above the models of another family",
      file: "quality_rules",
      text: lines("orchestrator_quality:", "  min_reviews:", "    plan: 1", "    code: 2"),
      at: [4, 11],
      path: "orchestrator_quality.min_reviews.code",
      message:
        "2 code reviewers per step need 2 models of another family than google, but gemini_pro " +
        "may implement and model_config.yaml has 1 (claude_sonnet); add models or lower min_reviews.code",
    },
    {
      name: "the seed's min_reviews.code of 0",
      file: "quality_rules",
      text: lines("min_reviews:", "  code: 0"),
      at: [2, 9],
      path: "min_reviews.code",
      message: "expected at least 1: every step is code-reviewed by a model of another family",
    },
    {
      name: "the seed's min_reviews.plan above one",
      file: "quality_rules",
      text: lines("quality_rules:", "  min_reviews:", "    plan: 2"),
      at: [3, 11],
      path: "quality_rules.min_reviews.plan",
      message: "only 1 is supported: one reviewer of another model family must approve each plan",
    },
    {
      name: "the seed's enforce_different_models turned off",
      file: "quality_rules",
      text: lines("enforce_different_models:", "  code_review: false"),
      at: [2, 16],
      path: "enforce_different_models.code_review",
      message: "false cannot be honoured: a reviewer is always of another model family",
    },
    {
      name: "a check without a command",
      file: "quality_rules",
      text: lines("checks:", "  unit:", "    kind: tests"),
      at: [3, 5],
      path: "checks.unit.command",
      message: "expected a command (only kind: hooks may omit it",
    },
    {
      name: "misspelt report format",
      file: "quality_rules",
      text: lines("checks:", "  unit:", "    command: t", "    report: { format: junt }"),
      at: [4, 23],
      path: "checks.unit.report.format",
      message: 'did you mean "junit"?',
    },
    {
      name: "generic pattern without the named groups",
      file: "quality_rules",
      text: lines(
        "checks:",
        "  lint:",
        "    command: t",
        "    report: { format: generic, pattern: '(.*)' }",
      ),
      at: [4, 41],
      path: "checks.lint.report.pattern",
      message: "missing file, line, message",
    },
    {
      name: "pattern on a format that is not generic",
      file: "quality_rules",
      text: lines(
        "checks:",
        "  lint:",
        "    command: t",
        "    report: { format: tsc, pattern: '(?<file>.)(?<line>.)(?<message>.)' }",
      ),
      at: [4, 37],
      path: "checks.lint.report.pattern",
      message: "pattern applies to the generic format only, not tsc",
    },
    {
      name: "unknown warning policy",
      file: "quality_rules",
      text: lines("checks:", "  lint:", "    command: t", "    policy: none"),
      at: [4, 13],
      path: "checks.lint.policy",
      message: "no_new",
    },
  ];
  it.each(cases)("$name", expectProblem);

  it("min_reviews.code: 2 is taken when every implementer has two reviewers of another family", async () => {
    const root = await makeProject({
      tasks: "[]\n",
      quality_rules: lines("orchestrator_quality:", "  min_reviews: { plan: 1, code: 2 }"),
      model_config: lines(
        "routing:",
        "  rules:",
        "    - { role: [planner, implementer], use: claude_sonnet }",
        "    - { role: [plan_reviewer, code_reviewer], use: [gemini_pro, gemini_flash] }",
      ),
    });
    expect((await load(root)).quality.minCodeReviews).toBe(2);
  });

  it("enforce_different_models: true is refused when model_config.yaml turns cross-review off", async () => {
    const root = await makeProject({
      tasks: "[]\n",
      quality_rules: lines("enforce_different_models:", "  plan_review: true"),
      model_config: lines("routing:", "  cross_review: false"),
    });
    expect(await messages(load(root))).toEqual([
      "enforce_different_models.plan_review: true cannot be honoured: model_config.yaml sets " +
        "routing.cross_review: false (a reviewer may then be of the author's family); set it to " +
        "true or drop this key",
    ]);
  });
});
