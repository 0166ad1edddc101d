import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { ConfigError } from "../core/errors.js";
import { loadProjectConfig } from "./index.js";
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

describe("missing files", () => {
  it("requires tasks.yaml when asked to", async () => {
    const root = await makeProject({});
    const error = await load(root).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error instanceof ConfigError ? error.problems : []).toEqual([
      {
        file: ".orchestrator/tasks.yaml",
        line: 1,
        column: 1,
        path: "",
        message: "tasks.yaml not found; run `orchestrator init`",
      },
    ]);
  });

  it("otherwise means no tasks, and empty files mean defaults", async () => {
    const root = await makeProject({ model_config: "", quality_rules: "# nothing yet\n" });
    const config = await loadProjectConfig(root, { env: {}, requireTasks: false });
    expect(config.tasks).toEqual([]);
    expect(config.repoRoot).toBe(root);
    expect(config.configDir).toBe(join(root, ".orchestrator"));
  });

  it("gives the seed's models and routing without model_config.yaml", async () => {
    const config = await load(await makeProject({ tasks: "[]\n" }));
    expect(config.models.models.get("claude_sonnet")).toEqual({
      name: "claude_sonnet",
      provider: "claude-cli",
      model: "claude-sonnet-4-5",
      family: "anthropic",
      tier: "strong",
      price: { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
      args: [],
      env: {},
      timeoutMs: 15 * 60_000,
    });
    expect([...config.models.models.values()].map((m) => `${m.name}:${m.model}:${m.tier}`)).toEqual(
      [
        "claude_sonnet:claude-sonnet-4-5:strong",
        "gemini_pro:gemini-2.5-pro:medium",
        "gemini_flash:gemini-2.5-flash:cheap",
      ],
    );
    expect(config.models.models.get("gemini_flash")?.price).toEqual({
      input: 0.3,
      output: 2.5,
      cacheRead: 0.075,
      cacheWrite: 0,
    });
    const { routing } = config.models;
    expect(routing).toMatchObject({
      strategy: "rules",
      crossReview: true,
      implementerMode: "text",
    });
    expect(
      routing.rules.map((r) => `${r.index} ${r.roles.join("+")} -> ${r.use.join(",")}`),
    ).toEqual([
      // The seed's nine rows (src/config/seed-routing.test.ts checks each), then fill-ins.
      "1 planner -> claude_sonnet",
      "2 planner -> gemini_pro",
      "3 planner -> gemini_pro",
      "4 planner -> gemini_flash",
      "5 plan_reviewer -> gemini_pro,claude_sonnet",
      "6 implementer -> claude_sonnet",
      "7 implementer -> gemini_pro",
      "8 implementer -> gemini_flash",
      "9 code_reviewer -> claude_sonnet,gemini_pro",
      "10 planner+implementer -> claude_sonnet",
      "11 planner+implementer -> claude_sonnet",
      "12 planner+implementer -> gemini_flash",
      "13 planner+implementer -> gemini_pro",
    ]);
    // The seed's row: "Implementer | Low | tests, docs | Gemini Flash".
    expect(routing.rules[7]).toMatchObject({ risks: ["low"], areas: ["tests", "docs"] });
  });

  it("gives an empty quality gate without quality_rules.yaml", async () => {
    const config = await load(await makeProject({ tasks: "[]\n" }));
    expect(config.quality).toEqual({
      checks: new Map(),
      levels: { TRIVIAL: [], SMALL: [], MEDIUM: [], LARGE: [] },
      defaultLevel: "MEDIUM",
      maxAttempts: 3,
      planReviewRounds: 2,
      policyDocs: [],
      contextTokenBudget: 20_000,
    });
  });

  it("writes nothing", async () => {
    const root = await makeProject({ tasks: taskWith() });
    const before = await readdir(root, { recursive: true });
    await load(root);
    expect(await readdir(root, { recursive: true })).toEqual(before);
  });
});

describe("interpolation", () => {
  it("replaces ${VAR} and ${VAR:-default}, keeps $${VAR} literal", async () => {
    const text = lines(
      "- id: A",
      "  goal: ${GOAL} for ${WHO:-everyone}",
      "  risk: ${RISK}",
      "  area: docs",
      "  priority: ${PRIO}",
      '  constraints: ["$${NOT_A_VAR}", "${EMPTY:-fallback}"]',
    );
    const root = await makeProject({ tasks: text });
    const [task] = (await load(root, { GOAL: "Ship", RISK: "high", PRIO: "7", EMPTY: "" })).tasks;
    expect(task).toMatchObject({ goal: "Ship for everyone", risk: "high", priority: 7 });
    expect(task?.constraints).toEqual(["${NOT_A_VAR}", "fallback"]);
  });

  it("keeps quoted values strings", async () => {
    const root = await makeProject({ tasks: taskWith('  priority: "${PRIO}"') });
    expect(await messages(load(root, { PRIO: "7" }))).toEqual([
      'tasks[0].priority: expected a number, found "7"',
    ]);
  });

  it("works in model_config.yaml and quality_rules.yaml", async () => {
    const root = await makeProject({
      tasks: "[]\n",
      model_config: lines(
        "models:",
        "  claude_sonnet: { provider: anthropic, model: '${MODEL}', family: anthropic, api_key_env: KEY }",
        "  gemini_pro: { provider: gemini, model: g, family: google }",
        "  gemini_flash: { provider: gemini, model: f, family: google, base_url: '${URL:-http://x}' }",
      ),
      quality_rules: lines("checks:", "  unit: { command: '${TEST_CMD}', kind: tests }"),
    });
    const config = await load(root, { MODEL: "claude-opus-4", TEST_CMD: "make test" });
    expect(config.models.models.get("claude_sonnet")?.model).toBe("claude-opus-4");
    expect(config.models.models.get("gemini_flash")?.baseUrl).toBe("http://x");
    expect(config.quality.checks.get("unit")?.command).toBe("make test");
  });

  it("reports every unset variable", async () => {
    const root = await makeProject({
      tasks: taskWith("  base: ${BASE}"),
      quality_rules: lines("checks:", "  unit: { command: '${TEST_CMD}' }"),
    });
    expect(await messages(load(root))).toEqual([
      "tasks[0].base: environment variable BASE is not set (use ${BASE:-default} for a default)",
      "checks.unit.command: environment variable TEST_CMD is not set (use ${TEST_CMD:-default} for a default)",
    ]);
  });
});
