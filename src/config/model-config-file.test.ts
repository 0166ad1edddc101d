import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  cleanUpTempProjects,
  lines,
  load,
  makeProject,
  messages,
} from "../../test/support/temp-project.js";

cleanUpTempProjects();

const taskWith = (...more: string[]): string =>
  lines("- id: A", "  goal: g", "  risk: low", "  area: docs", ...more);

describe("model_config.yaml", () => {
  const models = lines(
    "models:",
    "  s1: { provider: scripted, model: m, family: one, script: s.yaml, price: { input: 1, output: 2 } }",
    "  s2: { provider: scripted, model: m, family: two, script: s.yaml, timeout: 30s, args: [-v], env: { A: b } }",
    "routing:",
    "  implementer_mode: agent",
    "  rules:",
    "    - { role: [planner, implementer], use: s1 }",
    "    - { role: [plan_reviewer, code_reviewer], risk: [low, medium, high], use: [s2, s1], reason: cross }",
  );

  it("reads the escalation ladder and the budgets, and names an unknown rung", async () => {
    const withLadder = (ladder: string): string =>
      models.replace(
        "  implementer_mode: agent\n",
        `  implementer_mode: agent\n  ladder: ${ladder}\n`,
      ) + lines("budgets:", "  daily_usd: 5", "  monthly_usd: 100");
    const root = await makeProject({ tasks: "[]\n", model_config: withLadder("[s1, s2]") }, [
      ".orchestrator/s.yaml",
    ]);
    const config = await load(root);
    expect(config.models.routing.ladder).toEqual(["s1", "s2"]);
    expect(config.models.budgets).toEqual({ dailyUsd: 5, monthlyUsd: 100, warnFraction: 0.8 });

    const bad = await makeProject({ tasks: "[]\n", model_config: withLadder("[s1, s3]") }, [
      ".orchestrator/s.yaml",
    ]);
    expect(await messages(load(bad))).toEqual([
      'routing.ladder[1]: unknown model "s3"; did you mean "s1"?',
    ]);
  });

  it("reads limits and the default task budget, with their defaults, and names a bad one", async () => {
    const root = await makeProject(
      {
        tasks: "[]\n",
        model_config: models + lines("budgets:", "  task_usd: 7", "limits:", "  max_plan_steps: 5"),
      },
      [".orchestrator/s.yaml"],
    );
    const config = await load(root);
    expect(config.models.budgets).toEqual({ warnFraction: 0.8, taskUsd: 7 });
    expect(config.models.limits).toEqual({ maxPlanSteps: 5, maxFilesPerStep: 25 });
    const plain = await load(
      await makeProject({ tasks: "[]\n", model_config: models }, [".orchestrator/s.yaml"]),
    );
    expect(plain.models.limits).toBeUndefined();
    const bad = await makeProject(
      { tasks: "[]\n", model_config: models + lines("limits:", "  max_plan_steps: 0") },
      [".orchestrator/s.yaml"],
    );
    expect(await messages(load(bad))).toEqual([
      "limits.max_plan_steps: expected a number > 0, found 0",
    ]);
  });

  it("reads routing.learned, and names a threshold out of range", async () => {
    const withLearned = (learned: string): string =>
      models.replace(
        "  implementer_mode: agent\n",
        `  implementer_mode: agent\n  strategy: learned\n  learned: ${learned}\n`,
      );
    const root = await makeProject(
      {
        tasks: "[]\n",
        model_config: withLearned(
          "{ min_samples: 4, success_threshold: 0.9, explore: 0.1, success_value: 12 }",
        ),
      },
      [".orchestrator/s.yaml"],
    );
    expect((await load(root)).models.routing.learned).toEqual({
      minSamples: 4,
      successThreshold: 0.9,
      explore: 0.1,
      successValue: 12,
    });
    const bad = await makeProject(
      { tasks: "[]\n", model_config: withLearned("{ success_threshold: 1.5 }") },
      [".orchestrator/s.yaml"],
    );
    const problems = await messages(load(bad));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^routing\.learned\.success_threshold: expected .*1/);
  });

  it("maps models and rules to the core shapes", async () => {
    const root = await makeProject({ tasks: "[]\n", model_config: models }, [
      ".orchestrator/s.yaml",
    ]);
    const config = await load(root);
    expect(config.models.models.get("s1")).toMatchObject({
      script: join(root, ".orchestrator", "s.yaml"),
      tier: "medium",
      price: { input: 1, output: 2, cacheRead: 0, cacheWrite: 0 },
    });
    expect(config.models.models.get("s2")).toMatchObject({
      timeoutMs: 30_000,
      args: ["-v"],
      env: { A: "b" },
    });
    expect(config.models.routing).toEqual({
      strategy: "rules",
      crossReview: true,
      implementerMode: "agent",
      rules: [
        { roles: ["planner", "implementer"], use: ["s1"], reason: "rule 1", index: 1 },
        {
          roles: ["plan_reviewer", "code_reviewer"],
          risks: ["low", "medium", "high"],
          use: ["s2", "s1"],
          reason: "cross",
          index: 2,
        },
      ],
    });
  });

  it("skips the cross-review check when cross_review is false", async () => {
    const text = models
      .replace("use: [s2, s1]", "use: [s1]")
      .replace("routing:", "routing:\n  cross_review: false");
    const root = await makeProject({ tasks: "[]\n", model_config: text }, [".orchestrator/s.yaml"]);
    expect((await load(root)).models.routing.crossReview).toBe(false);
  });

  it("checks routing for the areas tasks use", async () => {
    const text = models
      .replace("use: [s2, s1]", "use: [s2]")
      .replace(
        "    - { role: [planner",
        "    - { role: implementer, area: ui, use: s2 }\n    - { role: [planner",
      );
    const root = await makeProject(
      { tasks: taskWith().replace("area: docs", "area: ui"), model_config: text },
      [".orchestrator/s.yaml"],
    );
    expect(await messages(load(root))).toEqual([
      'routing.rules[2]: code_reviewer rule offers only models of family "two" (s2), the family of s2, ' +
        "which rule 1 picks as implementer (risk low, area ui); cross_review needs a reviewer of another family",
    ]);
  });
});
