import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { z } from "zod";
import { copyFixture, type FixtureRepo } from "../gate/fixture-repo.js";
import { installPackedPackage, type InstalledPackage } from "../support/package-install.js";
import { ensurePythonTools } from "../support/python-tools.js";

/**
 * A new user's first run, through the packed and installed package: `npm pack`, `npm install -g
 * --prefix`, then the installed `orchestrator` bin in fresh copies of a real JavaScript project
 * (mocha + ESLint) and a real Python project (pytest + pytest-cov + flake8): `init` detects and
 * runs their checks, `validate` accepts the files, `demo` runs, and `run` (scripted models) takes
 * a task to DONE through the detected gate — and a step that adds a failing test is caught by it.
 */

interface Result {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

let installed: InstalledPackage;
const repos: FixtureRepo[] = [];

beforeAll(async () => {
  installed = await installPackedPackage();
}, 25 * 60_000);

afterAll(async () => {
  for (const r of repos.splice(0)) await r.cleanup();
});

function orchestrator(args: readonly string[], r: FixtureRepo, path?: string): Promise<Result> {
  return new Promise((resolve) => {
    execFile(
      "orchestrator",
      [...args],
      {
        cwd: r.root,
        env: {
          ...process.env,
          ...r.env,
          NO_COLOR: "1",
          PATH: `${installed.binDir}:${path ?? process.env.PATH ?? ""}`,
        },
        maxBuffer: 64 * 1024 * 1024,
        timeout: 10 * 60_000,
      },
      (error, stdout, stderr) => {
        const code = error && typeof error.code === "number" ? error.code : error ? 1 : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** One step writing `edits`; the planner and both reviewers approve. Answers are for `taskId`. */
function scriptFor(taskId: string, description: string, edits: string): object[] {
  const approve = {
    status: "approved",
    review: { correctness: 9, code_quality: 9, required_changes: [] },
  };
  const plan = {
    task_id: taskId,
    plan_version: 1,
    steps: [
      { id: "S1", type: "implementation", description, risk: "low", estimated_complexity: "small" },
    ],
  };
  return [
    { role: "planner", task: taskId, text: JSON.stringify(plan) },
    {
      role: "plan_reviewer",
      task: taskId,
      text: JSON.stringify({ status: "approved", review: { completeness: 9 } }),
    },
    { role: "implementer", task: taskId, text: `${description}\n\n${edits}` },
    { role: "code_reviewer", task: taskId, text: JSON.stringify(approve) },
  ];
}

/** Scripted tasks and models beside the quality_rules.yaml that `init` wrote; committed. */
async function useScriptedModels(
  r: FixtureRepo,
  tasks: { id: string; goal: string; script: object[] }[],
): Promise<void> {
  const dir = join(r.root, ".orchestrator");
  await writeFile(join(dir, "script.yaml"), stringify({ answers: tasks.flatMap((t) => t.script) }));
  const model = (name: string, family: string) => ({
    provider: "scripted",
    model: name,
    family,
    tier: "strong",
    price: { input: 3, output: 15 },
    script: "script.yaml",
  });
  await writeFile(
    join(dir, "model_config.yaml"),
    stringify({
      models: { author: model("author", "anthropic"), reviewer: model("reviewer", "google") },
      routing: {
        implementer_mode: "text",
        rules: [
          { role: ["planner", "implementer"], use: "author", reason: "scripted author" },
          { role: ["plan_reviewer", "code_reviewer"], use: ["reviewer"], reason: "review" },
        ],
      },
    }),
  );
  await writeFile(
    join(dir, "tasks.yaml"),
    stringify({ tasks: tasks.map((t) => ({ id: t.id, goal: t.goal, risk: "low", area: "core" })) }),
  );
  const rules = await r.read(".orchestrator/quality_rules.yaml");
  await r.write(
    ".orchestrator/quality_rules.yaml",
    rules.replace("max_attempts: 3", "max_attempts: 1"),
  );
  await r.commitAll("orchestrator configuration");
}

async function statusOf(r: FixtureRepo, taskId: string): Promise<string> {
  const status = await orchestrator(["status", "--json"], r);
  const rows = z.array(z.object({ id: z.string(), state: z.string() })).parse(parse(status.stdout));
  return rows.find((t) => t.id === taskId)?.state ?? `not found in ${status.stdout}`;
}

describe(
  "installed from the packed tarball: the first run in another repository",
  { timeout: 30 * 60_000 },
  () => {
    it("a mocha + ESLint project: init, validate, demo, a task DONE and a failing test caught", async () => {
      const r = await copyFixture("init-js");
      repos.push(r);
      expect(installed.tarball).toMatch(/^cross-review-orchestrator-\d+\.\d+\.\d+\.tgz$/);
      const version = await orchestrator(["--version"], r);
      expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);

      const init = await orchestrator(["init"], r);
      expect(init.code, init.stderr).toBe(0);
      expect(init.stdout).toContain("gate checks written: tests, lint (each ran once");
      const validate = await orchestrator(["validate"], r);
      expect(validate.code, validate.stderr).toBe(0);

      const demo = await orchestrator(["demo"], r);
      expect(demo.code, demo.stderr).toBe(0);
      expect(demo.stdout).toContain("DEMO-1: DONE");

      await useScriptedModels(r, [
        {
          id: "JS-1",
          goal: "Add titleCase",
          script: scriptFor(
            "JS-1",
            "Add titleCase(text) with a test",
            [
              "<<<<<<< WRITE src/title.js",
              "/** Each word with a capital first letter. */",
              "export function titleCase(text) {",
              "  return text.replace(/\\b\\w/g, (c) => c.toUpperCase());",
              "}",
              ">>>>>>> END",
              "",
              "<<<<<<< WRITE test/title.test.js",
              'import assert from "node:assert/strict";',
              'import { titleCase } from "../src/title.js";',
              "",
              'describe("titleCase", () => {',
              '  it("capitalises each word", () => {',
              '    assert.equal(titleCase("hello big world"), "Hello Big World");',
              "  });",
              "});",
              ">>>>>>> END",
            ].join("\n"),
          ),
        },
        {
          id: "JS-2",
          goal: "Break slugify on purpose",
          script: scriptFor(
            "JS-2",
            "Keep underscores in slugs",
            [
              "<<<<<<< SEARCH src/slug.js",
              '    .replace(/[^a-z0-9]+/g, "-")',
              "=======",
              '    .replace(/[^a-z0-9_]+/g, "_")',
              ">>>>>>> REPLACE",
            ].join("\n"),
          ),
        },
      ]);

      const done = await orchestrator(["run", "--task", "JS-1"], r);
      expect(done.code, done.stdout + done.stderr).toBe(0);
      expect(done.stdout).toContain("JS-1: DONE");
      expect(await r.git("show", "--stat", "--format=", "orchestrator/JS-1")).toContain(
        "test/title.test.js",
      );

      const caught = await orchestrator(["run", "--task", "JS-2"], r);
      expect(caught.code, caught.stdout + caught.stderr).toBe(1);
      expect(caught.stdout).toContain("JS-2: AWAITING_HUMAN_REVIEW");
      expect(caught.stdout).toMatch(/waiting for a human: .*tests/);
      const log = await orchestrator(["log", "JS-2"], r);
      expect(log.stdout).toContain("slugify lower-cases and joins words with dashes");
      expect(await statusOf(r, "JS-2")).toBe("AWAITING_HUMAN_REVIEW");
    });

    it("a pytest + flake8 project: init detects tests, coverage and lint; a task runs to DONE", async () => {
      await ensurePythonTools();
      const r = await copyFixture("init-py");
      repos.push(r);
      const path = `/usr/bin:${process.env.PATH ?? ""}`;
      const init = await orchestrator(["init"], r, path);
      expect(init.code, init.stderr).toBe(0);
      expect(init.stdout).toContain("gate checks written: tests, coverage, lint (each ran once");
      const validate = await orchestrator(["validate"], r, path);
      expect(validate.code, validate.stderr).toBe(0);
      await useScriptedModels(r, [
        {
          id: "PY-1",
          goal: "Add longest_word",
          script: scriptFor(
            "PY-1",
            "Add longest_word(text) with a test",
            [
              "<<<<<<< WRITE wordcount/longest.py",
              '"""The longest word of a text."""',
              "",
              "",
              "def longest_word(text):",
              '    """The longest whitespace-separated word; the first of equals."""',
              '    return max(text.split(), key=len, default="")',
              ">>>>>>> END",
              "",
              "<<<<<<< WRITE tests/test_longest.py",
              "from wordcount.longest import longest_word",
              "",
              "",
              "def test_longest_word():",
              '    assert longest_word("a bbb cc") == "bbb"',
              ">>>>>>> END",
            ].join("\n"),
          ),
        },
      ]);
      const done = await orchestrator(["run", "--task", "PY-1"], r, path);
      expect(done.code, done.stdout + done.stderr).toBe(0);
      expect(done.stdout).toContain("PY-1: DONE");
    });
  },
);
