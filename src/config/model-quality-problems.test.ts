import { describe, it } from "vitest";
import type { ProblemCase } from "../../test/support/temp-project.js";
import { cleanUpTempProjects, expectProblem, lines } from "../../test/support/temp-project.js";

cleanUpTempProjects();

const models = (...rules: string[]): string =>
  lines(
    "models:",
    "  a:",
    "    provider: claude-cli",
    "    model: a-1",
    "    family: anthropic",
    "  g:",
    "    provider: gemini-cli",
    "    model: g-1",
    "    family: google",
    "routing:",
    "  rules:",
    ...rules,
  );

/** Rules 1-2 (lines 12-15) cover every role with both families. */
const goodRules = [
  "    - role: [planner, implementer]",
  "      use: a",
  "    - role: [plan_reviewer, code_reviewer]",
  "      use: [g, a]",
];

const modelCases: ProblemCase[] = [
  {
    name: "misspelt provider",
    file: "model_config",
    text: models(...goodRules).replace("provider: claude-cli", "provider: claude"),
    at: [3, 15],
    path: "models.a.provider",
    message: 'found "claude"; did you mean "claude-cli"?',
  },
  {
    name: "unknown model key",
    file: "model_config",
    text: models(...goodRules).replace("    model: g-1", "    model: g-1\n    tiemout: 5m"),
    at: [9, 5],
    path: "models.g.tiemout",
    message: 'unknown key "tiemout"; did you mean "timeout"?',
  },
  {
    name: "unknown tier",
    file: "model_config",
    text: models(...goodRules).replace("family: google", "family: google\n    tier: big"),
    at: [10, 11],
    path: "models.g.tier",
    message: 'expected one of cheap, medium, strong, found "big"',
  },
  {
    name: "price that is not a number",
    file: "model_config",
    text: models(...goodRules).replace(
      "family: google",
      "family: google\n    price: { input: 3$, output: 1 }",
    ),
    at: [10, 21],
    path: "models.g.price.input",
    message: 'expected a number, found "3$"',
  },
  {
    name: "missing family",
    file: "model_config",
    text: models(...goodRules).replace("    family: google\n", ""),
    at: [7, 5],
    path: "models.g.family",
    message: 'missing required key "family"',
  },
  {
    name: "scripted model without script",
    file: "model_config",
    text: models(...goodRules).replace("provider: gemini-cli", "provider: scripted"),
    at: [7, 5],
    path: "models.g.script",
    message: 'missing required key "script" (required for provider scripted)',
  },
  {
    name: "script file not found",
    file: "model_config",
    text: models(...goodRules).replace("family: google", "family: google\n    script: s.yaml"),
    at: [10, 13],
    path: "models.g.script",
    message: 'expected a script file relative to .orchestrator/, found "s.yaml" (not found)',
  },
  {
    name: "environment value that is not a string",
    file: "model_config",
    text: models(...goodRules).replace("family: google", "family: google\n    env: { DEBUG: 1 }"),
    at: [10, 19],
    path: "models.g.env.DEBUG",
    message: "expected a string, found 1",
  },
  {
    name: "rule uses an unknown model",
    file: "model_config",
    text: models("    - role: [planner, implementer]", "      use: aa", ...goodRules.slice(2)),
    at: [13, 12],
    path: "routing.rules[0].use",
    message: 'unknown model "aa"; did you mean "a"?',
  },
  {
    name: "unknown model in a list",
    file: "model_config",
    text: models(...goodRules).replace("use: [g, a]", "use: [g, gg]"),
    at: [15, 16],
    path: "routing.rules[1].use[1]",
    message: 'unknown model "gg"; did you mean "g"?',
  },
  {
    name: "misspelt role",
    file: "model_config",
    text: models(...goodRules).replace("role: [planner,", "role: [planer,"),
    at: [12, 14],
    path: "routing.rules[0].role[0]",
    message: 'found "planer"; did you mean "planner"?',
  },
  {
    name: "use of the wrong type",
    file: "model_config",
    text: models(...goodRules).replace("use: a", "use: 5"),
    at: [13, 12],
    path: "routing.rules[0].use",
    message: "expected a model name or a list of them, found 5",
  },
  {
    name: "reviewer of the author's family only",
    file: "model_config",
    text: models(...goodRules).replace("use: [g, a]", "use: [a]"),
    at: [14, 7],
    path: "routing.rules[1]",
    message: 'rule offers only models of family "anthropic"',
    count: 2, // once for plan review, once for code review
  },
  {
    name: "role without a rule",
    file: "model_config",
    text: models(...goodRules).replace("[plan_reviewer, code_reviewer]", "plan_reviewer"),
    at: [12, 5],
    path: "routing.rules",
    message: "no routing rule for role code_reviewer (risk low, area core)",
  },
  {
    name: "empty rule list",
    file: "model_config",
    text: models().replace("  rules:", "  rules: []"),
    at: [11, 10],
    path: "routing.rules",
    message: "expected a non-empty list, found an empty list",
  },
  {
    name: "unknown strategy",
    file: "model_config",
    text: models(...goodRules).replace("routing:", "routing:\n  strategy: smart"),
    at: [11, 13],
    path: "routing.strategy",
    message: 'expected one of rules, learned, found "smart"',
  },
  {
    name: "default rules without the default models",
    file: "model_config",
    text: models().replace("routing:\n  rules:\n", ""),
    at: [1, 1],
    path: "routing",
    message:
      "routing.rules is not set and the default rules use models claude_sonnet, gemini_pro, gemini_flash, which are not defined under models:",
  },
];

const qualityCases: ProblemCase[] = [
  {
    name: "misspelt check kind",
    file: "quality_rules",
    text: lines("checks:", "  unit:", "    command: npm test", "    kind: test"),
    at: [4, 11],
    path: "checks.unit.kind",
    message: 'found "test"; did you mean "tests"?',
  },
  {
    name: "level names an unknown check",
    file: "quality_rules",
    text: lines("checks:", "  lint:", "    command: eslint .", "levels:", "  SMALL: [lnt]"),
    at: [5, 11],
    path: "levels.SMALL[0]",
    message: 'unknown check "lnt"; did you mean "lint"?',
  },
  {
    name: "unknown level",
    file: "quality_rules",
    text: lines("levels:", "  HUGE: []"),
    at: [2, 3],
    path: "levels.HUGE",
    message: 'unknown key "HUGE"; expected one of TRIVIAL, SMALL, MEDIUM, LARGE',
  },
  {
    name: "empty argv",
    file: "quality_rules",
    text: lines("checks:", "  unit:", "    command: []"),
    at: [3, 14],
    path: "checks.unit.command",
    message: "expected a non-empty list, found an empty list",
  },
  {
    name: "lower-case default level",
    file: "quality_rules",
    text: lines("default_level: medium"),
    at: [1, 16],
    path: "default_level",
    message: 'found "medium"; did you mean "MEDIUM"?',
  },
  {
    name: "zero attempts",
    file: "quality_rules",
    text: lines("retries:", "  max_attempts: 0"),
    at: [2, 17],
    path: "retries.max_attempts",
    message: "expected a number >= 1, found 0",
  },
  {
    name: "missing policy document",
    file: "quality_rules",
    text: lines("policy_docs:", "  - docs/POLICY.md"),
    at: [2, 5],
    path: "policy_docs[0]",
    message: 'expected a file in the repository, found "docs/POLICY.md" (not found)',
  },
  {
    name: "misspelt seed flag",
    file: "quality_rules",
    text: lines("orchestrator_quality:", "  max_retry_attempt: 3"),
    at: [2, 3],
    path: "orchestrator_quality.max_retry_attempt",
    message: 'unknown key "max_retry_attempt"; did you mean "max_retry_attempts"?',
  },
  {
    name: "check timeout in words",
    file: "quality_rules",
    text: lines("checks:", "  unit:", "    command: npm test", "    timeout: 10 minutes"),
    at: [4, 14],
    path: "checks.unit.timeout",
    message: 'found "10 minutes"',
  },
];

describe("problems in model_config.yaml", () => {
  it.each(modelCases)("$name", expectProblem);
});

describe("problems in quality_rules.yaml", () => {
  it.each(qualityCases)("$name", expectProblem);
});
