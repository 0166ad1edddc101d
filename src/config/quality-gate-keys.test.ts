import { describe, expect, it } from "vitest";
import {
  cleanUpTempProjects,
  expectProblem,
  lines,
  load,
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
      name: "the seed's min_reviews above what is honoured",
      file: "quality_rules",
      text: lines("orchestrator_quality:", "  min_reviews:", "    plan: 1", "    code: 2"),
      at: [4, 11],
      path: "orchestrator_quality.min_reviews.code",
      message:
        "only 1 is supported: one reviewer of another model family must approve each step; found 2",
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
});
