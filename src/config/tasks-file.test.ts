import { writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
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

describe("tasks", () => {
  it("normalises a task and fills in the defaults", async () => {
    const config = await load(await makeProject({ tasks: taskWith() }));
    expect(config.tasks).toEqual([
      {
        id: "A",
        goal: "g",
        risk: "low",
        area: "docs",
        repo: ".",
        repoPath: config.repoRoot,
        contextFiles: [],
        constraints: [],
        priority: 0,
        dependsOn: [],
        timeoutMs: 6 * 3_600_000,
      },
    ]);
  });

  it("applies defaults: to every task that does not override them", async () => {
    const text = lines(
      "defaults:",
      "  risk: medium",
      "  area: core",
      "  timeout: 2h",
      "  constraints: [ZERO-WARNINGS]",
      "tasks:",
      "  - id: A",
      "    goal: g",
      "  - id: B",
      "    goal: g",
      "    risk: high",
      "    constraints: []",
      "    budget_usd: 2.5",
      "    max_plan_steps: 4",
      "    base: develop",
      "    quality_level: LARGE",
      "    priority: -1",
    );
    const [a, b] = (await load(await makeProject({ tasks: text }))).tasks;
    expect(a).toMatchObject({ risk: "medium", area: "core", timeoutMs: 7_200_000 });
    expect(a?.constraints).toEqual(["ZERO-WARNINGS"]);
    expect(b).toMatchObject({
      risk: "high",
      area: "core",
      constraints: [],
      budgetUsd: 2.5,
      maxPlanSteps: 4,
      base: "develop",
      qualityLevel: "LARGE",
      priority: -1,
    });
  });

  it.each([
    ["90m", 90 * 60_000],
    ["1h30m", 90 * 60_000],
    ["45s", 45_000],
    ["2h", 7_200_000],
    ["1d", 86_400_000],
    ["30", 30_000],
    ['"1h 15m"', 75 * 60_000],
  ])("reads timeout: %s", async (written, ms) => {
    const config = await load(await makeProject({ tasks: taskWith(`  timeout: ${written}`) }));
    expect(config.tasks[0]?.timeoutMs).toBe(ms);
  });

  it("checks context files, folders and globs relative to the task's repository", async () => {
    const text = taskWith("  context_files: [README.md, docs/, 'src/**/*.ts', '*.md']");
    const root = await makeProject({ tasks: text }, ["README.md", "docs/", "src/deep/a.ts"]);
    expect((await load(root)).tasks[0]?.contextFiles).toEqual([
      "README.md",
      "docs/",
      "src/**/*.ts",
      "*.md",
    ]);
  });

  it("reports unknown dependencies and every cycle", async () => {
    const text = lines(
      "- { id: A, goal: g, risk: low, area: docs, depends_on: [B] }",
      "- { id: B, goal: g, risk: low, area: docs, depends_on: [C] }",
      "- { id: C, goal: g, risk: low, area: docs, depends_on: [A, D] }",
      "- { id: D, goal: g, risk: low, area: docs, depends_on: [D, E] }",
    );
    expect(await messages(load(await makeProject({ tasks: text })))).toEqual([
      "tasks[0].depends_on[0]: dependency cycle: A -> B -> C -> A",
      "tasks[3].depends_on[0]: dependency cycle: D -> D",
      'tasks[3].depends_on[1]: unknown task id "E" in depends_on',
    ]);
  });

  it("accepts dependencies in any order", async () => {
    const text = lines(
      "- { id: A, goal: g, risk: low, area: docs, depends_on: [B] }",
      "- { id: B, goal: g, risk: low, area: docs }",
    );
    expect((await load(await makeProject({ tasks: text }))).tasks[0]?.dependsOn).toEqual(["B"]);
  });
});

describe("repo:", () => {
  it("resolves a name under repos:, relative to the repository", async () => {
    const text = lines(
      "repos:",
      "  lib: ../lib",
      "tasks:",
      "  - { id: A, goal: g, risk: low, area: docs, repo: lib }",
    );
    const root = await makeProject({ tasks: text }, ["/lib/"]);
    const [task] = (await load(root)).tasks;
    expect(task).toMatchObject({ repo: "lib", repoPath: join(dirname(root), "lib") });
  });

  it("resolves the repository's own folder name to the repository", async () => {
    const root = await makeProject({ tasks: taskWith("  repo: repo") });
    expect(basename(root)).toBe("repo");
    expect((await load(root)).tasks[0]?.repoPath).toBe(root);
  });

  it("resolves relative and absolute paths of existing folders", async () => {
    const root = await makeProject({ tasks: "[]\n" }, ["packages/core/", "/other/"]);
    const other = join(dirname(root), "other");
    const text = lines(
      "- { id: A, goal: g, risk: low, area: docs, repo: packages/core }",
      `- { id: B, goal: g, risk: low, area: docs, repo: "${other}" }`,
    );
    await writeFile(join(root, ".orchestrator", "tasks.yaml"), text);
    const tasks = (await load(root)).tasks;
    expect(tasks.map((t) => t.repoPath)).toEqual([join(root, "packages/core"), other]);
  });

  it("checks context files in the task's own repository", async () => {
    const root = await makeProject({ tasks: taskWith("  repo: sub", "  context_files: [x.md]") }, [
      "sub/x.md",
    ]);
    expect((await load(root)).tasks[0]?.repoPath).toBe(join(root, "sub"));
  });

  it("rejects a name that is none of these, suggesting a close one", async () => {
    const text = lines(
      "repos:",
      "  backend: .",
      "tasks:",
      "  - { id: A, goal: g, risk: low, area: docs, repo: backnd }",
    );
    const [message] = await messages(load(await makeProject({ tasks: text })));
    expect(message).toBe(
      'tasks[0].repo: unknown repository "backnd": expected a name under repos: (backend), this ' +
        'repository\'s folder name "repo", or the path of an existing directory; did you mean "backend"?',
    );
  });
});

describe("defaults: and repos:", () => {
  it("reports a bad default once, not again for every task that relies on it", async () => {
    const text = lines(
      "defaults: { risk: hgih, area: core }",
      "tasks:",
      "  - { id: A, goal: g }",
      "  - { id: B, goal: g }",
    );
    expect(await messages(load(await makeProject({ tasks: text })))).toEqual([
      'defaults.risk: expected one of low, medium, high, found "hgih"; did you mean "high"?',
    ]);
  });

  it("checks every repos: entry, used or not", async () => {
    const text = lines("repos:", "  gone: ../gone", "tasks: []");
    expect(await messages(load(await makeProject({ tasks: text })))).toEqual([
      'repos.gone: expected the path of an existing directory, found "../gone"',
    ]);
  });
});

describe("invalid tasks", () => {
  it("are still checked as far as their valid fields allow", async () => {
    const text = lines(
      "- id: A",
      "  goal: g",
      "  risk: hgih",
      "  area: docs",
      "  depends_on: [B]",
      "  repo: nowhere",
      "  contxt_files: [x]",
    );
    expect(await messages(load(await makeProject({ tasks: text })))).toEqual([
      'tasks[0].risk: expected one of low, medium, high, found "hgih"; did you mean "high"?',
      'tasks[0].depends_on[0]: unknown task id "B" in depends_on',
      'tasks[0].repo: unknown repository "nowhere": expected a name under repos:, this ' +
        'repository\'s folder name "repo", or the path of an existing directory',
      'tasks[0].contxt_files: unknown key "contxt_files"; did you mean "context_files"?',
    ]);
  });
});
