import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { promisify } from "node:util";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ensurePythonTools, PYTHON } from "../support/python-tools.js";
import { checkOf, verdicts } from "./gate-json.js";
import {
  expectCoverageDrop,
  expectSmallFindsRegression,
  expectStillFailing,
  onlyNewWarning,
  onlyRegression,
  relatedTestsRun,
} from "./gate-expect.js";
import { copyFixture, testsRun } from "./fixture-repo.js";
import type { FixtureRepo } from "./fixture-repo.js";

// `orchestrator gate` on a copy of test/fixtures/gate-py with Debian's Python tools: pytest
// (JUnit), pytest-cov (Cobertura), flake8 (generic warning lines), the pre-commit framework
// with local hooks, and an API signature check. The tests share one repository and baseline.

const exec = promisify(execFile);
const GATE_TIMEOUT = 120_000;

let repo: FixtureRepo;

beforeAll(async () => {
  await ensurePythonTools();
  repo = await copyFixture("gate-py");
}, 15 * 60_000);
afterEach(async () => {
  await repo.reset();
});
afterAll(async () => {
  await repo.cleanup();
});

/** A tested addition to calc/arith.py: a change every check accepts. */
async function addTestedSign(): Promise<void> {
  const arith = await repo.read("calc/arith.py");
  await repo.write(
    "calc/arith.py",
    `${arith}

def sign(value):
    """-1, 0 or 1, by the sign of value."""
    return (value > 0) - (value < 0)
`,
  );
  const tests = await repo.read("tests/test_arith.py");
  await repo.write(
    "tests/test_arith.py",
    `${tests.replace("from calc.arith import add, clamp, mean", "from calc.arith import add, clamp, mean, sign")}

def test_sign():
    assert [sign(-3), sign(0), sign(2)] == [-1, 0, 1]
`,
  );
}

/** flake8's findings in one file, as `line code`. */
async function flake8(file: string): Promise<string[]> {
  const run = await exec(PYTHON, ["-m", "flake8", "--format=%(row)d %(code)s", file], {
    cwd: repo.root,
  }).catch((error: unknown) => error as { stdout: string });
  return run.stdout.split("\n").filter((line) => line !== "");
}

describe("orchestrator gate on a Python project (pytest, coverage, flake8, pre-commit)", () => {
  it(
    "passes a clean change at every check of LARGE, pre-commit and API included",
    async () => {
      await addTestedSign();
      const { cli, json } = await repo.gate("LARGE");
      expect(json.feedback).toBe("");
      expect(verdicts(json)).toEqual([
        "lint:PASS",
        "tests:PASS",
        "coverage:PASS",
        "hooks:PASS",
        "api:PASS",
      ]);
      expect(json).toMatchObject({ passed: true, level: "LARGE", breaking: false });
      expect(cli.code).toBe(0);
      // The pre-commit framework ran on the changed files.
      expect(await readFile(checkOf(json, "hooks").logFile, "utf8")).toMatch(
        /pre-commit run --files calc\/arith\.py tests\/test_arith\.py/,
      );
    },
    GATE_TIMEOUT,
  );

  it(
    "blocks a change that breaks a previously passing test and names it, at MEDIUM and SMALL",
    async () => {
      await repo.replace("calc/arith.py", "        return high", "        return value");
      const { cli, json } = await repo.gate("MEDIUM");
      expect(cli.code).toBe(1);
      expect(checkOf(json, "lint").passed).toBe(true);
      const regression = onlyRegression(json);
      expect(regression).toMatchObject({
        suite: "tests.test_arith",
        name: "test_clamp_above",
        before: "passed",
        after: "failed",
      });
      expect(regression?.message).toMatch(/assert 11 == 10/);
      expect(regression?.location).toMatch(/^tests\/test_arith\.py:23\b/);
      expect(json.feedback).toContain("test_clamp_above");
      expect(json.feedback).toContain("tests/test_arith.py:23");
      expect(await testsRun(checkOf(json, "tests").logFile)).toHaveLength(10);

      // SMALL runs the changed module's tests only, and reaches the same verdict.
      await expectSmallFindsRegression(repo, "test_clamp_above", {
        count: 7,
        names: /^tests\.test_arith > /,
      });
    },
    GATE_TIMEOUT * 2,
  );

  it(
    "ignores a test failure that already existed on the base commit",
    async () => {
      await repo.replace("calc/text.py", "return text.split()", 'return text.split(" ")');
      const brokenBase = await repo.commitAll("base with a failing words test");
      await addTestedSign();
      const { cli, json } = await repo.gate("MEDIUM", brokenBase);
      expect(json.feedback).toBe("");
      expect(verdicts(json)).toEqual(["lint:PASS", "tests:PASS", "coverage:PASS"]);
      expect(cli.code).toBe(0);
      // The failure is still there, in this run too: it was ignored, not fixed.
      await expectStillFailing(json, "tests.test_text > test_words");
    },
    GATE_TIMEOUT,
  );

  it(
    "does not block an old flake8 warning that moved to another line",
    async () => {
      await repo.replace(
        "calc/log.py",
        '"""Notes; holds the one known flake8 warning of this package."""',
        '"""Notes.\n\nThis module holds the one known flake8 warning of this package.\n"""',
      );
      expect(await flake8("calc/log.py")).toEqual(["5 F401"]);
      const { cli, json } = await repo.gate("TRIVIAL");
      expect(verdicts(json)).toEqual(["lint:PASS", "hooks:PASS"]);
      expect(cli.code).toBe(0);
    },
    GATE_TIMEOUT,
  );

  it(
    "blocks one new flake8 warning",
    async () => {
      await repo.replace(
        "calc/arith.py",
        '"""Arithmetic helpers."""\n',
        '"""Arithmetic helpers."""\nimport json\n',
      );
      const { cli, json } = await repo.gate("TRIVIAL");
      expect(verdicts(json)).toEqual(["lint:FAIL", "hooks:PASS"]);
      expect(cli.code).toBe(1);
      expect(onlyNewWarning(json)).toMatchObject({ isNew: true, file: "calc/arith.py", line: 2 });
      expect(json.feedback).toMatch(/calc\/arith\.py:2\b.*F401 'json' imported but unused/);
      expect(json.feedback).not.toContain("calc/log.py");
    },
    GATE_TIMEOUT,
  );

  it(
    "blocks a coverage drop",
    async () => {
      const arith = await repo.read("calc/arith.py");
      await repo.write(
        "calc/arith.py",
        `${arith}

def gcd(a, b):
    """The greatest common divisor of two integers."""
    a, b = abs(a), abs(b)
    while b:
        a, b = b, a % b
    return a
`,
      );
      const { cli, json } = await repo.gate("MEDIUM");
      expect(verdicts(json)).toEqual(["lint:PASS", "tests:PASS", "coverage:FAIL"]);
      expect(cli.code).toBe(1);
      expectCoverageDrop(json);
      expect(json.feedback).toContain("calc/arith.py");
    },
    GATE_TIMEOUT,
  );

  it(
    "blocks a change a pre-commit framework hook rejects",
    async () => {
      await repo.replace("calc/arith.py", "    return a + b", "    return a + b  # FIXME: floats");
      const { cli, json } = await repo.gate("TRIVIAL");
      expect(verdicts(json)).toEqual(["lint:PASS", "hooks:FAIL"]);
      expect(cli.code).toBe(1);
      expect(json.breaking).toBe(false);
      expect(json.feedback).toContain("no-fixme");
      expect(json.feedback).toContain("calc/arith.py:6:");
    },
    GATE_TIMEOUT,
  );

  it(
    "reports a changed signature as a breaking change",
    async () => {
      await repo.replace(
        "calc/arith.py",
        "def clamp(value, low, high):",
        "def clamp(value, lowest, highest):\n    low, high = lowest, highest",
      );
      const { cli, json } = await repo.gate("LARGE");
      expect(cli.code).toBe(1);
      expect(json.breaking).toBe(true);
      expect(verdicts(json)).toContain("api:FAIL");
      expect(checkOf(json, "tests").passed).toBe(true);
      expect(json.feedback).toContain(
        "changed: clamp(value, low, high) -> clamp(value, lowest, highest)",
      );
    },
    GATE_TIMEOUT,
  );

  it(
    "runs only the changed module's tests at SMALL",
    async () => {
      await repo.replace("calc/text.py", '"""Text helpers."""', '"""Helpers for text."""');
      const { cli, json } = await repo.gate("SMALL");
      expect(verdicts(json)).toEqual(["lint:PASS", "tests:PASS"]);
      expect(cli.code).toBe(0);
      expect((await relatedTestsRun(checkOf(json, "tests"))).sort()).toEqual([
        "tests.test_text > test_slugify",
        "tests.test_text > test_words",
      ]);
    },
    GATE_TIMEOUT,
  );
});
