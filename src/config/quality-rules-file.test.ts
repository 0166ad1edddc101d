import { describe, expect, it } from "vitest";
import { cleanUpTempProjects, lines, load, makeProject } from "../../test/support/temp-project.js";

cleanUpTempProjects();

describe("quality_rules.yaml", () => {
  const checks = lines(
    "checks:",
    "  lint: { command: [eslint, .], kind: lint }",
    "  types: { command: tsc, kind: typecheck, timeout: 1m }",
    "  unit: { command: npm test, kind: tests, env: { CI: 'true' } }",
    "  cov: { command: npm run cov, kind: coverage }",
  );

  it("maps checks and fills levels by kind", async () => {
    const config = await load(await makeProject({ tasks: "[]\n", quality_rules: checks }));
    expect(config.quality.checks.get("types")).toEqual({
      name: "types",
      command: "tsc",
      kind: "typecheck",
      timeoutMs: 60_000,
      env: {},
      reports: [],
      policy: "no_new",
      tolerancePct: 0,
    });
    expect(config.quality.checks.get("lint")?.timeoutMs).toBe(600_000);
    expect(config.quality.levels).toEqual({
      TRIVIAL: ["lint"],
      SMALL: ["lint", "types", "unit"],
      MEDIUM: ["lint", "types", "unit"],
      LARGE: ["lint", "types", "unit", "cov"],
    });
  });

  it("takes levels, retries, policy docs and the token budget as written", async () => {
    const text = lines(
      checks,
      "levels: { TRIVIAL: [], LARGE: [cov] }",
      "default_level: SMALL",
      "retries: { max_attempts: 5, plan_review_rounds: 0 }",
      "policy_docs: [docs/POLICY.md]",
      "context_token_budget: 5000",
    );
    const root = await makeProject({ tasks: "[]\n", quality_rules: text }, ["docs/POLICY.md"]);
    const { quality } = await load(root);
    expect(quality).toMatchObject({
      levels: { TRIVIAL: [], SMALL: ["lint", "types", "unit"], LARGE: ["cov"] },
      defaultLevel: "SMALL",
      maxAttempts: 5,
      planReviewRounds: 0,
      policyDocs: ["docs/POLICY.md"],
      contextTokenBudget: 5000,
    });
  });

  it("uses the seed's max_retry_attempts when retries: does not say", async () => {
    const text = lines("orchestrator_quality:", "  max_retry_attempts: 4", "zero_warnings: true");
    const { quality } = await load(await makeProject({ tasks: "[]\n", quality_rules: text }));
    expect(quality.maxAttempts).toBe(4);
  });
});
