import { basename } from "node:path";
import { describe, expect, it } from "vitest";
import type { ProblemCase } from "../../test/support/temp-project.js";
import {
  cleanUpTempProjects,
  expectProblem,
  lines,
  makeProject,
  problemsOf,
} from "../../test/support/temp-project.js";
import { ConfigError, formatProblem } from "../core/errors.js";
import { loadProjectConfig } from "./index.js";

cleanUpTempProjects();

/** A valid task whose lines 2-5 are `- id: A`, goal, risk, area; more lines may follow. */
const task = (...more: string[]): string =>
  lines("tasks:", "  - id: A", "    goal: do it", "    risk: low", "    area: docs", ...more);

const cases: ProblemCase[] = [
  {
    name: "misspelt risk",
    file: "tasks",
    text: task().replace("risk: low", "risk: hgih"),
    at: [4, 11],
    path: "tasks[0].risk",
    message: 'expected one of low, medium, high, found "hgih"; did you mean "high"?',
  },
  {
    name: "unknown task key",
    file: "tasks",
    text: task("    contxt_files: [README.md]"),
    at: [6, 5],
    path: "tasks[0].contxt_files",
    message: 'unknown key "contxt_files"; did you mean "context_files"?',
  },
  {
    name: "missing goal",
    file: "tasks",
    text: lines("tasks:", "  - id: A", "    risk: low", "    area: docs"),
    at: [2, 5],
    path: "tasks[0].goal",
    message: 'missing required key "goal"',
  },
  {
    name: "missing risk",
    file: "tasks",
    text: lines("- id: A", "  goal: g", "  area: docs"),
    at: [1, 3],
    path: "tasks[0].risk",
    message: 'missing required key "risk"',
  },
  {
    name: "empty risk",
    file: "tasks",
    text: task().replace("risk: low", "risk:"),
    at: [4, 5],
    path: "tasks[0].risk",
    message: "expected one of low, medium, high, found an empty value",
  },
  {
    name: "goal as a list",
    file: "tasks",
    text: lines("- id: A", "  goal: [a, b]", "  risk: low", "  area: docs"),
    at: [2, 9],
    path: "tasks[0].goal",
    message: "expected a string, found a list",
  },
  {
    name: "fractional priority",
    file: "tasks",
    text: task("    priority: 1.5"),
    at: [6, 15],
    path: "tasks[0].priority",
    message: "expected an integer, found 1.5",
  },
  {
    name: "bad timeout",
    file: "tasks",
    text: task("    timeout: 1h30x"),
    at: [6, 14],
    path: "tasks[0].timeout",
    message:
      'expected a duration such as "90m", "1h30m", "45s" or a number of seconds, found "1h30x"',
  },
  {
    name: "zero timeout",
    file: "tasks",
    text: task("    timeout: 0"),
    at: [6, 14],
    path: "tasks[0].timeout",
    message: "found 0",
  },
  {
    name: "timeout of the wrong type",
    file: "tasks",
    text: task("    timeout: true"),
    at: [6, 14],
    path: "tasks[0].timeout",
    message: "expected a duration",
  },
  {
    name: "negative budget",
    file: "tasks",
    text: task("    budget_usd: -1"),
    at: [6, 17],
    path: "tasks[0].budget_usd",
    message: "expected a number >= 0, found -1",
  },
  {
    name: "unknown quality level",
    file: "tasks",
    text: task("    quality_level: HUGE"),
    at: [6, 20],
    path: "tasks[0].quality_level",
    message: 'expected one of TRIVIAL, SMALL, MEDIUM, LARGE, found "HUGE"',
  },
  {
    name: "task id with spaces",
    file: "tasks",
    text: task().replace("id: A", "id: my task"),
    at: [2, 9],
    path: "tasks[0].id",
    message: 'expected a task id of letters, digits, ".", "_" or "-"',
  },
  {
    name: "duplicate task id",
    file: "tasks",
    text: task("  - id: A", "    goal: again", "    risk: low", "    area: docs"),
    at: [6, 9],
    path: "tasks[1].id",
    message: 'duplicate task id "A"; first defined on line 2',
  },
  {
    name: "unknown dependency",
    file: "tasks",
    text: task("    depends_on: [A-2]"),
    at: [6, 18],
    path: "tasks[0].depends_on[0]",
    message: 'unknown task id "A-2" in depends_on',
  },
  {
    name: "dependency cycle",
    file: "tasks",
    text: task(
      "    depends_on: [B]",
      "  - id: B",
      "    goal: g",
      "    risk: low",
      "    area: docs",
      "    depends_on: [A]",
    ),
    at: [6, 18],
    path: "tasks[0].depends_on[0]",
    message: "dependency cycle: A -> B -> A",
  },
  {
    name: "unknown repository",
    file: "tasks",
    text: task("    repo: elsewhere"),
    at: [6, 11],
    path: "tasks[0].repo",
    message: 'unknown repository "elsewhere": expected a name under repos:',
  },
  {
    name: "repos entry that is not a directory",
    file: "tasks",
    text: lines("repos:", "  lib: ../nowhere", ...task("    repo: lib").trimEnd().split("\n")),
    at: [2, 8],
    path: "repos.lib",
    message: 'expected the path of an existing directory, found "../nowhere"',
  },
  {
    name: "missing context file",
    file: "tasks",
    text: task("    context_files:", "      - README.md", "      - docs/missing.md"),
    extra: ["README.md"],
    at: [8, 9],
    path: "tasks[0].context_files[1]",
    message: 'expected an existing file or directory in repository ".", found "docs/missing.md"',
  },
  {
    name: "glob that matches nothing",
    file: "tasks",
    text: task("    context_files:", '      - "src/**/*.zig"'),
    extra: ["src/a.ts"],
    at: [7, 9],
    path: "tasks[0].context_files[0]",
    message: 'expected the glob "src/**/*.zig" to match a file in repository ".", found none',
  },
  {
    name: "unquoted glob",
    file: "tasks",
    text: task("    context_files:", "      - *.md"),
    at: [7, 9],
    path: "",
    message: 'unknown alias "*.md" (quote values that start with *',
  },
  {
    name: "YAML syntax error",
    file: "tasks",
    text: task().replace("goal: do it", 'goal: "do it'),
    at: [6, 1],
    path: "",
    message: "invalid YAML: Missing closing",
  },
  {
    name: "duplicate YAML key",
    file: "tasks",
    text: task("    risk: high"),
    at: [6, 5],
    path: "",
    message: 'duplicate key "risk"',
  },
  {
    name: "top level is a scalar",
    file: "tasks",
    text: "hello\n",
    at: [1, 1],
    path: "",
    message: 'expected a list of tasks or a mapping with tasks:, found "hello"',
  },
  {
    name: "misspelt tasks key",
    file: "tasks",
    text: task().replace("tasks:", "task:"),
    at: [1, 1],
    path: "task",
    message: 'unknown key "task"; did you mean "tasks"?',
    count: 2,
  },
  {
    name: "defaults cannot set id",
    file: "tasks",
    text: lines("defaults:", "  id: X", ...task().trimEnd().split("\n")),
    at: [2, 3],
    path: "defaults.id",
    message: 'unknown key "id"',
  },
  {
    name: "constraints as a string",
    file: "tasks",
    text: task("    constraints: ZERO-WARNINGS"),
    at: [6, 18],
    path: "tasks[0].constraints",
    message: 'expected a list, found "ZERO-WARNINGS"',
  },
  {
    name: "a constraint mapping of two pairs",
    file: "tasks",
    text: task("    constraints:", "      - { Output: YES, Format: JSON }"),
    at: [7, 9],
    path: "tasks[0].constraints[0]",
    message: "expected a string, found a mapping",
  },
  {
    name: "unset environment variable",
    file: "tasks",
    text: task().replace("goal: do it", "goal: ${GOAL}"),
    at: [3, 11],
    path: "tasks[0].goal",
    message: "environment variable GOAL is not set",
  },
];

describe("problems in tasks.yaml", () => {
  it.each(cases)("$name", expectProblem);
});

describe("collecting problems", () => {
  it("reports the problems of all three files in one ConfigError", async () => {
    const root = await makeProject({
      tasks: task().replace("risk: low", "risk: hgih"),
      model_config: lines("models:", "  a:", "    provider: nope"),
      quality_rules: lines("default_level: HUGE"),
    });
    const error = await loadProjectConfig(root, { env: {}, requireTasks: true }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    const problems = error instanceof ConfigError ? error.problems : [];
    expect(new Set(problems.map((p) => p.file))).toEqual(
      new Set([
        ".orchestrator/tasks.yaml",
        ".orchestrator/model_config.yaml",
        ".orchestrator/quality_rules.yaml",
      ]),
    );
    expect(error instanceof ConfigError ? error.message.split("\n") : []).toEqual(
      problems.map(formatProblem),
    );
  });

  it("reports several problems of one task at once", async () => {
    const root = await makeProject({
      tasks: task("    priority: high", "    timeout: soon").replace("risk: low", "risk: 3"),
    });
    const paths = (await problemsOf(root)).map((p) => p.path);
    expect(paths).toEqual(["tasks[0].risk", "tasks[0].priority", "tasks[0].timeout"]);
  });

  it("names the repository folder in the unknown-repository message", async () => {
    const root = await makeProject({ tasks: task("    repo: elsewhere") });
    const [problem] = await problemsOf(root);
    expect(problem?.message).toContain(`folder name "${basename(root)}"`);
    expect(basename(root)).toBe("repo");
  });
});

describe("constraints written as `- key: value`", () => {
  it("are read as the text `key: value`, each with a note naming its line", async () => {
    const root = await makeProject({
      tasks: lines(
        "defaults:",
        "  constraints:",
        "    - Style: PEP 8",
        "tasks:",
        "  - id: A",
        "    goal: do it",
        "    risk: low",
        "    area: docs",
        "    constraints:",
        "      - ZERO-WARNINGS",
        "      - Test edge cases: empty vectors, dimension mismatches",
        "      - Output: YES or NO",
        "      - Retries: 3",
      ),
    });
    const config = await loadProjectConfig(root, { env: {}, requireTasks: true });
    expect(config.tasks[0]?.constraints).toEqual([
      "ZERO-WARNINGS",
      "Test edge cases: empty vectors, dimension mismatches",
      "Output: YES or NO",
      "Retries: 3",
    ]);
    expect(config.notes?.map((n) => `${n.line}:${n.column} ${n.path}`)).toEqual([
      "3:7 defaults.constraints[0]",
      "11:9 tasks[0].constraints[1]",
      "12:9 tasks[0].constraints[2]",
      "13:9 tasks[0].constraints[3]",
    ]);
    expect(config.notes?.[2]?.message).toBe(
      'read as the text "Output: YES or NO" (YAML saw a key: value pair; quote the line to say it is text)',
    );
  });
});
