import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { promisify } from "node:util";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { checkOf, verdicts } from "./gate-json.js";
import {
  expectCoverageDrop,
  expectSmallFindsRegression,
  expectStillFailing,
  onlyNewWarning,
  onlyRegression,
  relatedTestsRun,
} from "./gate-expect.js";
import { copyFixture, installPlainHook, testsRun } from "./fixture-repo.js";
import type { FixtureRepo } from "./fixture-repo.js";

// `orchestrator gate` on a copy of test/fixtures/gate-ts: vitest (JUnit + lcov coverage),
// ESLint (JSON), tsc, a plain git pre-commit hook and an API report check, all for real.
// The tests share one repository (and so one cached baseline); each starts from the base.

const exec = promisify(execFile);
const GATE_TIMEOUT = 120_000;

let repo: FixtureRepo;

beforeAll(async () => {
  repo = await copyFixture("gate-ts");
  await installPlainHook(repo);
}, 60_000);
afterEach(async () => {
  await repo.reset();
});
afterAll(async () => {
  await repo.cleanup();
});

/** A tested, fully covered addition to src/math.ts: a change every check accepts. */
async function addTestedSign(): Promise<void> {
  const math = await repo.read("src/math.ts");
  await repo.write(
    "src/math.ts",
    `${math}
/** -1, 0 or 1, by the sign of \`value\`. */
export function sign(value: number): number {
  return Math.sign(value);
}
`,
  );
  const tests = await repo.read("test/math.test.ts");
  await repo.write(
    "test/math.test.ts",
    tests.replace(
      'import { add, clamp, mean } from "../src/math.js";',
      'import { add, clamp, mean, sign } from "../src/math.js";',
    ).concat(`
describe("sign", () => {
  it("gives the sign", () => {
    expect([sign(-3), sign(0), sign(2)]).toEqual([-1, 0, 1]);
  });
});
`),
  );
}

const EslintReportSchema = z.array(
  z.object({
    messages: z.array(z.object({ line: z.number(), ruleId: z.string().nullable() })),
  }),
);

/** The ESLint warnings of one file, as `line rule`. */
async function eslintWarnings(file: string): Promise<string[]> {
  const run = await exec("node_modules/.bin/eslint", ["-f", "json", file], { cwd: repo.root });
  const report = EslintReportSchema.parse(JSON.parse(run.stdout));
  return report.flatMap((entry) => entry.messages.map((m) => `${m.line} ${m.ruleId ?? ""}`));
}

describe("orchestrator gate on a TypeScript project (vitest, ESLint, tsc)", () => {
  it(
    "passes a clean change at every check of LARGE, hooks and API included",
    async () => {
      await addTestedSign();
      const { cli, json } = await repo.gate("LARGE");
      expect(json.feedback).toBe("");
      expect(verdicts(json)).toEqual([
        "lint:PASS",
        "types:PASS",
        "tests:PASS",
        "coverage:PASS",
        "hooks:PASS",
        "api:PASS",
      ]);
      expect(json).toMatchObject({
        passed: true,
        level: "LARGE",
        breaking: false,
        base: repo.base,
      });
      expect(cli.code).toBe(0);
      // The plain hook ran (a repository without a hook passes with a note instead).
      expect(await readFile(checkOf(json, "hooks").logFile, "utf8")).toMatch(
        /\.git\/hooks\/pre-commit/,
      );
      // The gate ran on a snapshot: the checkout still has its change and no tool output.
      const status = await repo.git("status", "--porcelain", "--untracked-files=all");
      expect(status.split("\n").map((line) => line.trim())).toEqual([
        "M src/math.ts",
        "M test/math.test.ts",
      ]);
    },
    GATE_TIMEOUT,
  );

  it(
    "blocks a change that breaks a previously passing test and names it, at MEDIUM and SMALL",
    async () => {
      await repo.replace(
        "src/math.ts",
        "if (value > max) return max;",
        "if (value > max) return value;",
      );
      const { cli, json } = await repo.gate("MEDIUM");
      expect(cli.code).toBe(1);
      expect(json.passed).toBe(false);
      const tests = checkOf(json, "tests");
      expect(tests.mode).toBe("full");
      expect(checkOf(json, "lint").passed).toBe(true);
      expect(checkOf(json, "types").passed).toBe(true);
      const regression = onlyRegression(json);
      expect(regression).toMatchObject({
        name: "clamp > lowers a value above the range",
        before: "passed",
        after: "failed",
      });
      expect(regression?.message).toMatch(/expected 11 to be 10/);
      expect(regression?.location).toMatch(/^test\/math\.test\.ts:21(:\d+)?$/);
      expect(json.feedback).toContain("clamp > lowers a value above the range");
      expect(json.feedback).toContain("test/math.test.ts:21");
      expect(json.feedback).toMatch(/expected 11 to be 10/);
      expect(await testsRun(tests.logFile)).toHaveLength(11);

      // SMALL runs the changed module's tests only, and reaches the same verdict.
      await expectSmallFindsRegression(repo, "clamp > lowers a value above the range", {
        count: 7,
        names: /^test\/math\.test\.ts > /,
      });
    },
    GATE_TIMEOUT * 2,
  );

  it(
    "ignores a test failure that already existed on the base commit",
    async () => {
      await repo.replace("src/strings.ts", "text.split(/\\s+/)", 'text.split(" ")');
      const brokenBase = await repo.commitAll("base with a failing words test");
      await addTestedSign();
      const { cli, json } = await repo.gate("MEDIUM", brokenBase);
      expect(json.feedback).toBe("");
      expect(checkOf(json, "tests").passed).toBe(true);
      expect(json.passed).toBe(true);
      expect(cli.code).toBe(0);
      // The failure is still there, in this run too: it was ignored, not fixed.
      await expectStillFailing(json, "test/strings.test.ts > words > splits on any whitespace");
    },
    GATE_TIMEOUT,
  );

  it(
    "does not block an old ESLint warning that moved to another line",
    async () => {
      const log = await repo.read("src/log.ts");
      await repo.write(
        "src/log.ts",
        `/** The prefix of every note. */\nexport const PREFIX = "[note]";\n\n${log}`,
      );
      expect(await eslintWarnings("src/log.ts")).toEqual(["7 no-console"]);
      const { cli, json } = await repo.gate("TRIVIAL");
      expect(verdicts(json)).toEqual(["lint:PASS", "hooks:PASS"]);
      expect(cli.code).toBe(0);
    },
    GATE_TIMEOUT,
  );

  it(
    "blocks one new ESLint warning",
    async () => {
      await repo.replace(
        "src/strings.ts",
        "  return text.charAt(0).toUpperCase() + text.slice(1);",
        '  console.debug("capitalize", text);\n  return text.charAt(0).toUpperCase() + text.slice(1);',
      );
      const { cli, json } = await repo.gate("TRIVIAL");
      expect(verdicts(json)).toEqual(["lint:FAIL", "hooks:PASS"]);
      expect(cli.code).toBe(1);
      expect(onlyNewWarning(json)).toMatchObject({
        isNew: true,
        file: "src/strings.ts",
        line: 17,
        rule: "no-console",
      });
      expect(json.feedback).toMatch(/src\/strings\.ts:17\b.*no-console/);
      // The old warning in src/log.ts is not reported.
      expect(json.feedback).not.toContain("src/log.ts");
    },
    GATE_TIMEOUT,
  );

  it(
    "blocks a second copy of an old warning in the same file",
    async () => {
      await repo.replace("src/log.ts", "  return line;", "  console.log(line);\n  return line;");
      const { cli, json } = await repo.gate("TRIVIAL");
      expect(verdicts(json)).toEqual(["lint:FAIL", "hooks:PASS"]);
      expect(cli.code).toBe(1);
      expect(checkOf(json, "lint").findings?.warnings?.newCount).toBe(1);
    },
    GATE_TIMEOUT,
  );

  it(
    "blocks a coverage drop and lists the uncovered lines",
    async () => {
      const math = await repo.read("src/math.ts");
      await repo.write(
        "src/math.ts",
        `${math}
/** The greatest common divisor of two integers. */
export function gcd(a: number, b: number): number {
  let x = Math.abs(a);
  let y = Math.abs(b);
  while (y !== 0) {
    const rest = x % y;
    x = y;
    y = rest;
  }
  return x;
}
`,
      );
      const { cli, json } = await repo.gate("MEDIUM");
      expect(verdicts(json)).toEqual(["lint:PASS", "types:PASS", "tests:PASS", "coverage:FAIL"]);
      expect(cli.code).toBe(1);
      expectCoverageDrop(json);
      expect(json.feedback).toContain("src/math.ts");
    },
    GATE_TIMEOUT,
  );

  it(
    "blocks a change the repository's plain git pre-commit hook rejects",
    async () => {
      await repo.replace(
        "src/math.ts",
        "/** Adds two numbers. */",
        "/** Adds two numbers. FIXME: say what NaN gives. */",
      );
      const { cli, json } = await repo.gate("TRIVIAL");
      expect(verdicts(json)).toEqual(["lint:PASS", "hooks:FAIL"]);
      expect(cli.code).toBe(1);
      expect(json.breaking).toBe(false);
      expect(json.feedback).toContain("src/math.ts:1:");
      expect(json.feedback).toContain("remove the FIXME markers");
    },
    GATE_TIMEOUT,
  );

  it(
    "reports a removed export as a breaking change",
    async () => {
      await repo.replace("src/index.ts", "export { add, clamp, mean }", "export { add, mean }");
      const { cli, json } = await repo.gate("LARGE");
      expect(cli.code).toBe(1);
      expect(json.passed).toBe(false);
      expect(json.breaking).toBe(true);
      expect(verdicts(json)).toContain("api:FAIL");
      expect(json.feedback).toContain("export removed: clamp");
    },
    GATE_TIMEOUT,
  );

  it(
    "runs only the changed file's tests at SMALL",
    async () => {
      await repo.replace("src/strings.ts", "/** `text` with", "/** The text `text` with");
      const { cli, json } = await repo.gate("SMALL");
      expect(verdicts(json)).toEqual(["lint:PASS", "types:PASS", "tests:PASS"]);
      expect(cli.code).toBe(0);
      const ran = await relatedTestsRun(checkOf(json, "tests"));
      expect(ran).toHaveLength(3);
      for (const name of ran) expect(name).toMatch(/^test\/strings\.test\.ts > /);
    },
    GATE_TIMEOUT,
  );
});
