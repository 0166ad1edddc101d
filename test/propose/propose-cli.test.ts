import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { z } from "zod";
import { openSqliteStore } from "../../src/store/index.js";
import { runCli } from "../support/cli.js";
import { startModelServer } from "../support/model-server/index.js";
import type { ModelServer } from "../support/model-server/index.js";
import { answer, APPROVE_PLAN, planJson, reviewCode } from "../support/script-builder.js";
import { writeScriptedProject } from "../support/scripted-project.js";
import { createTempRepo } from "../workspace/temp-repo.js";
import type { TempRepo } from "../workspace/temp-repo.js";

/**
 * `orchestrator propose` end to end on a real git repository whose HEAD has a failing test (the
 * gate's baseline reads it from a JUnit report), a TODO comment, and a task T-1 that the real
 * `run` escalated (its gate failed on the only attempt allowed).
 */

const NO_VAR_CHECK = `
const fs = require("fs");
const bad = fs.readdirSync(".").filter((f) => f.endsWith(".js") && f !== "no-var.js" && /\\bvar\\b/.test(fs.readFileSync(f, "utf8")));
for (const f of bad) console.log(f + ":1:1 error no-var: Unexpected var");
process.exit(bad.length ? 1 : 0);
`;

const CALC = `exports.divide = (a, b) => {
  // TODO: throw a RangeError when b is zero
  return a / b;
};
`;

const CALC_TEST = `const test = require("node:test");
const assert = require("node:assert");
const { divide } = require("../src/calc.js");
test("divides", () => assert.equal(divide(6, 3), 2));
test("refuses to divide by zero", () => assert.throws(() => divide(1, 0), RangeError));
`;

const TASKS_YAML = `# Tasks of the calc project. This comment must survive propose --write.
tasks:
  - id: T-1
    goal: Add a util.js module with a counter
    risk: medium
    area: core # the area comment too
`;

const KEY_VAR = "PROPOSE_TEST_ANTHROPIC_KEY";
const PLANNER_MODEL = "claude-opus-4-1";

let repo: TempRepo;
let server: ModelServer;

beforeAll(async () => {
  server = await startModelServer({ rules: [] });
  repo = await createTempRepo();
  const steps = [{ id: "S1", description: "Add util.js exporting a counter" }];
  await writeScriptedProject(repo.root, {
    taskId: "T-1",
    maxAttempts: 1,
    script: {
      answers: [
        answer({ role: "planner", task: "T-1", text: planJson("T-1", steps) }),
        answer({ role: "plan_reviewer", text: APPROVE_PLAN }),
        answer({ role: "code_reviewer", text: reviewCode("approved") }),
        answer({
          role: "implementer",
          task: "T-1",
          text: "Added util.js.",
          files: { "util.js": "var count = 0;\nmodule.exports = { count };\n" },
        }),
      ],
    },
  });
  const checks = {
    test: {
      command: [
        "node",
        "--test",
        "--test-reporter=junit",
        "--test-reporter-destination=junit.xml",
        "test/calc.test.js",
      ],
      kind: "tests",
      report: { format: "junit", file: "junit.xml" },
    },
    lint: { command: ["node", "no-var.js"], kind: "lint" },
  };
  const all = Object.keys(checks);
  await writeFile(
    join(repo.root, ".orchestrator", "quality_rules.yaml"),
    stringify({
      checks,
      levels: { TRIVIAL: all, SMALL: all, MEDIUM: all, LARGE: all },
      retries: { max_attempts: 1 },
    }),
  );
  await writeFile(join(repo.root, ".orchestrator", "tasks.yaml"), TASKS_YAML);
  await repo.write(".gitignore", "junit.xml\n");
  await repo.write("no-var.js", NO_VAR_CHECK);
  await repo.write("src/calc.js", CALC);
  await repo.write("test/calc.test.js", CALC_TEST);
  await repo.commitAll("calc with a failing test");
  const run = await runCli(["run", "--task", "T-1"], repo.root, repo.env);
  expect(run.stdout).toMatch(/T-1: AWAITING_HUMAN_REVIEW/);
}, 600_000);

afterAll(async () => {
  await server.close();
  await repo.cleanup();
});

const ProposeJson = z.object({
  sha: z.string(),
  by: z.string(),
  costUsd: z.number(),
  notes: z.array(z.string()),
  findings: z.array(z.object({ kind: z.string() }).loose()),
  proposals: z.array(
    z.object({
      id: z.string(),
      goal: z.string(),
      risk: z.string(),
      area: z.string(),
      context_files: z.array(z.string()),
      constraints: z.array(z.string()),
      evidence: z.array(z.string()),
    }),
  ),
  written: z.array(z.string()),
});

async function proposeJson(args: string[]): Promise<z.infer<typeof ProposeJson>> {
  const result = await runCli(["propose", "--json", ...args], repo.root, repo.env);
  expect(result.stderr).toBe("");
  expect(result.code).toBe(0);
  return ProposeJson.parse(JSON.parse(result.stdout));
}

/** Routes the planner to an Anthropic API model served by the scripted model server. */
async function routePlannerToServer(): Promise<void> {
  const scripted = (model: string, family: string, tier: string): object => ({
    provider: "scripted",
    model,
    family,
    tier,
    price: { input: 3, output: 15 },
    script: "script.yaml",
  });
  await writeFile(
    join(repo.root, ".orchestrator", "model_config.yaml"),
    stringify({
      models: {
        planner_api: {
          provider: "anthropic",
          model: PLANNER_MODEL,
          family: "anthropic",
          tier: "strong",
          base_url: server.url,
          api_key_env: KEY_VAR,
          env: { [KEY_VAR]: "sk-ant-propose-fake" },
          price: { input: 15, output: 75 },
          timeout: "30s",
        },
        claude_sonnet: scripted("claude-sonnet-scripted", "anthropic", "strong"),
        gemini_pro: scripted("gemini-pro-scripted", "google", "medium"),
      },
      routing: {
        implementer_mode: "text",
        rules: [
          { role: "planner", use: "planner_api", reason: "the API model plans" },
          { role: "implementer", use: "claude_sonnet", reason: "strong author" },
          {
            role: ["plan_reviewer", "code_reviewer"],
            use: ["gemini_pro", "claude_sonnet"],
            reason: "cross-check",
          },
        ],
      },
    }),
  );
}

async function proposeLog(): Promise<{ model: string; costUsd: number; ok: boolean }[]> {
  const store = await openSqliteStore(join(repo.root, ".orchestrator", "state.db"));
  try {
    return (await store.events("@propose")).flatMap((e) =>
      e.body.type === "model.call"
        ? [{ model: e.body.model, costUsd: e.body.costUsd, ok: e.body.ok }]
        : [],
    );
  } finally {
    await store.close();
  }
}

describe("orchestrator propose", () => {
  it(
    "proposes a task per finding, with evidence, and --write appends them so validate passes",
    { timeout: 300_000 },
    async () => {
      const text = await runCli(["propose"], repo.root, repo.env);
      expect(text.stderr).toBe("");
      expect(text.code).toBe(0);
      expect(text.stdout).toMatch(
        /1 failing test, 0 files with warnings, 0 files under 80% coverage, 1 TODO\/FIXME\/XXX comment, 1 failed or escalated task$/m,
      );
      expect(text.stdout).toContain("# proposed by `orchestrator propose` from:");
      expect(text.stdout).toContain(
        "test: test test > refuses to divide by zero fails on HEAD: Missing expected exception (RangeError).",
      );
      expect(text.stdout).toContain("src/calc.js:2: TODO throw a RangeError when b is zero");
      expect(text.stdout).toMatch(/task T-1 was escalated \(gate_failed\)/);
      expect(text.stdout).toContain("not written: --write appends them");

      const json = await proposeJson(["--limit", "2"]);
      expect(json.proposals.map((p) => p.id)).toEqual(["fix-tests-test", "redo-t-1"]);
      const all = await proposeJson([]);
      expect(all.by).toBe("deterministic");
      expect(all.proposals.map((p) => p.id)).toEqual([
        "fix-tests-test",
        "redo-t-1",
        "resolve-todos-src-calc-js",
      ]);
      const todo = all.proposals[2];
      expect(todo).toMatchObject({ risk: "low", area: "core", context_files: ["src/calc.js"] });
      expect(all.written).toEqual([]);

      const written = await proposeJson(["--write"]);
      expect(written.written).toEqual(["fix-tests-test", "redo-t-1", "resolve-todos-src-calc-js"]);
      const tasksYaml = await readFile(join(repo.root, ".orchestrator", "tasks.yaml"), "utf8");
      expect(tasksYaml.startsWith(TASKS_YAML.split("\n")[0] ?? "")).toBe(true);
      expect(tasksYaml).toContain("area: core # the area comment too");
      expect(tasksYaml).toContain("  #   - src/calc.js:2: TODO throw a RangeError when b is zero");
      const validate = await runCli(["validate"], repo.root, repo.env);
      expect(validate.stderr).toBe("");
      expect(validate.code).toBe(0);

      // Proposed again, the same findings get new ids: nothing written is ever overwritten.
      const again = await proposeJson(["--limit", "1"]);
      expect(again.proposals.map((p) => p.id)).toEqual(["fix-tests-test-2"]);
    },
  );

  it(
    "--with-model: the planner's tasks, priced and recorded; a malformed answer falls back",
    { timeout: 300_000 },
    async () => {
      await routePlannerToServer();
      const modelTasks = {
        tasks: [
          {
            id: "T-1",
            goal: "Make divide throw a RangeError on a zero divisor, as its test and TODO ask",
            risk: "medium",
            area: "math",
            context_files: ["src/calc.js", "test/calc.test.js", "missing.js"],
            constraints: ["No breaking changes"],
            evidence: [1, 3],
          },
        ],
      };
      server.setScenario({
        rules: [
          {
            name: "planner",
            match: { vendor: "anthropic", model: PLANNER_MODEL, prompt: "# Findings" },
            text: "Here are the tasks:\n" + JSON.stringify(modelTasks),
            usage: { input: 1000, output: 200 },
          },
        ],
      });
      const result = await proposeJson(["--with-model"]);
      expect(result.by).toBe("planner_api");
      expect(result.notes).toEqual([]);
      expect(result.proposals).toHaveLength(1);
      // The model's id was taken by the existing task; a path that does not exist is dropped.
      expect(result.proposals[0]).toMatchObject({
        id: "T-1-2",
        area: "math",
        context_files: ["src/calc.js", "test/calc.test.js"],
        evidence: [
          expect.stringContaining("refuses to divide by zero fails on HEAD"),
          "src/calc.js:2: TODO throw a RangeError when b is zero",
        ],
      });
      // 1000 input tokens at $15/M and 200 output at $75/M.
      expect(result.costUsd).toBeCloseTo(0.03, 6);
      const prompt = server.requests.find((r) => r.rule === "planner");
      expect(prompt).toBeDefined();
      expect(await proposeLog()).toEqual([
        { model: "planner_api", costUsd: result.costUsd, ok: true },
      ]);

      server.setScenario({
        rules: [{ name: "bad", match: { vendor: "anthropic" }, text: '{"tasks": [{"goal": 3}]}' }],
      });
      const fallback = await proposeJson(["--with-model"]);
      expect(fallback.by).toBe("deterministic");
      expect(fallback.notes.join("\n")).toMatch(
        /the model planner_api gave no usable proposals .*showing the deterministic ones/,
      );
      expect(fallback.proposals.map((p) => p.id)[0]).toBe("fix-tests-test-2");
      expect(await proposeLog()).toHaveLength(2);
    },
  );
});
