import { existsSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { UserError } from "../core/errors.js";
import type { CheckSpec, QualityConfig, QualityLevel } from "../core/project-config.js";
import { NodeProcessRunner } from "../process/node-process-runner.js";
import { resolveBundledEslint, runGate, type LevelOutcome } from "./index.js";

const runner = new NodeProcessRunner();
const node = process.execPath;
let dir = "";
let repo = "";
let logDir = "";

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "orchestrator-gate-"));
  repo = join(dir, "repo");
  logDir = join(dir, "logs", "step-1");
  await mkdir(repo);
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function write(files: Record<string, string>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(repo, path)), { recursive: true });
    await writeFile(join(repo, path), content);
  }
}

function check(
  name: string,
  command: CheckSpec["command"],
  kind: CheckSpec["kind"] = "custom",
  extra: Partial<Pick<CheckSpec, "timeoutMs" | "env">> = {},
): CheckSpec {
  return { name, command, kind, timeoutMs: 20_000, env: {}, ...extra };
}

function quality(checks: CheckSpec[], levels: Partial<Record<QualityLevel, string[]>>) {
  const all = checks.map((c) => c.name);
  const config: QualityConfig = {
    checks: new Map(checks.map((c) => [c.name, c])),
    levels: { TRIVIAL: [], SMALL: all, MEDIUM: all, LARGE: all, ...levels },
    defaultLevel: "SMALL",
    maxAttempts: 3,
    planReviewRounds: 2,
    policyDocs: [],
    contextTokenBudget: 10_000,
  };
  return config;
}

function gate(
  checks: CheckSpec[],
  options: {
    level?: QualityLevel;
    levels?: Partial<Record<QualityLevel, string[]>>;
    env?: Record<string, string>;
    signal?: AbortSignal;
  } = {},
): Promise<LevelOutcome> {
  return runGate({
    cwd: repo,
    quality: quality(checks, options.levels ?? {}),
    level: options.level ?? "SMALL",
    runner,
    logDir,
    ...(options.env ? { env: options.env } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

function only<T>(items: readonly T[]): T {
  expect(items).toHaveLength(1);
  return items[0]!;
}

const MATH_TEST = `import { test } from "node:test";
import assert from "node:assert/strict";
import { add } from "./math.js";
test("adds zero", () => { assert.equal(add(2, 0), 2); });
test("adds two numbers", () => { assert.equal(add(2, 3), 5); });
`;

describe("runGate with real tools", () => {
  it("reports a failing node --test test with its assertion, then passes once it is fixed", async () => {
    await write({
      "package.json": '{ "name": "fx", "type": "module", "private": true }\n',
      "math.js": "export function add(a, b) { return a - b; }\n",
      "math.test.js": MATH_TEST,
    });
    const tests = check("test", "node --test", "tests");

    const failed = await gate([tests]);
    expect(failed.passed).toBe(false);
    const result = only(failed.checks);
    expect(result).toMatchObject({ name: "test", passed: false, exitCode: 1, timedOut: false });
    expect(result.summary).toContain("not ok 2 - adds two numbers");
    expect(result.summary).toContain("-1 !== 5");
    expect(result.summary).not.toContain("adds zero");
    expect(result.logFile).toBe(join(logDir, "test.log"));
    const log = readFileSync(join(logDir, "test.log"), "utf8");
    expect(log).toContain("$ node --test");
    expect(log).toContain("ok 1 - adds zero");
    expect(log).toContain("# pass 1");
    expect(log).toMatch(/\[exit code 1 after [\d.]+s\]\n$/);
    expect(failed.feedback).toMatch(
      /^Quality gate failed at level SMALL:\n\n## check `test` \(tests\) failed, exit 1\nnot ok 2/,
    );

    await write({ "math.js": "export function add(a, b) { return a + b; }\n" });
    const passed = await gate([tests]);
    expect(passed).toMatchObject({ passed: true, level: "SMALL", feedback: "" });
    expect(only(passed.checks)).toMatchObject({ passed: true, exitCode: 0, summary: "" });
  });

  it("reports ESLint problems with file, position, message and rule (bundled ESLint)", async () => {
    const eslintBin = resolveBundledEslint();
    expect(eslintBin).toBeDefined();
    await write({
      "package.json": '{ "name": "fx-lint", "type": "module", "private": true }\n',
      "eslint.config.js":
        'export default [{ files: ["**/*.js"], rules: { "no-unused-vars": "error" } }];\n',
      "src/index.js": "export function greet(name) {\n  const unused = 42;\n  return name;\n}\n",
    });
    // The demo's form: the user's command line names the bundled ESLint through a variable.
    const lint = check("lint", 'node "$ORCHESTRATOR_ESLINT_BIN" .', "lint");
    const result = await gate([lint], { env: { ORCHESTRATOR_ESLINT_BIN: eslintBin ?? "" } });
    expect(result.passed).toBe(false);
    const summary = only(result.checks).summary;
    expect(summary).toContain(join(repo, "src", "index.js"));
    expect(summary).toMatch(
      /2:9\s+error\s+'unused' is assigned a value but never used\s+no-unused-vars/,
    );
    expect(summary).toContain("✖ 1 problem (1 error, 0 warnings)");
    expect(result.feedback).toContain("## check `lint` (lint) failed, exit 1");
  });

  it("reports tsc type errors", async () => {
    const typescriptDir = dirname(
      createRequire(import.meta.url).resolve("typescript/package.json"),
    );
    await write({
      "tsconfig.json": JSON.stringify({
        compilerOptions: { strict: true, target: "ES2022", module: "ES2022", types: [] },
        include: ["src"],
      }),
      "src/index.ts": "export const bad: string = 2 * 2;\n",
    });
    const tsc = [node, join(typescriptDir, "bin", "tsc"), "--noEmit", "-p", "."];
    const result = await gate([check("types", tsc, "typecheck")]);
    expect(result.passed).toBe(false);
    expect(only(result.checks)).toMatchObject({
      exitCode: 2,
      summary:
        "src/index.ts(1,14): error TS2322: Type 'number' is not assignable to type 'string'.",
    });
  });
});

/** Whether a process is still running (a zombie left for a non-reaping init counts as gone). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    return true;
  }
}

async function waitUntilGone(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!isRunning(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return !isRunning(pid);
}

describe("runGate process handling", () => {
  it("fails a check that outlives its timeout quickly and leaves no process behind", async () => {
    // The shell starts a grandchild; the whole process group must go.
    const hang = "echo starting; sleep 30 & echo $! > sleep.pid; wait";
    const started = Date.now();
    const result = await gate([check("hang", hang, "tests", { timeoutMs: 500 })]);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(result.passed).toBe(false);
    const hung = only(result.checks);
    expect(hung.timedOut).toBe(true);
    expect(hung.summary).toBe("timed out after 0.5s\nstarting");
    expect(result.feedback).toContain("## check `hang` (tests) timed out\ntimed out after 0.5s");
    const pid = Number(readFileSync(join(repo, "sleep.pid"), "utf8"));
    expect(pid).toBeGreaterThan(0);
    expect(await waitUntilGone(pid, 2_000)).toBe(true);
  });

  it("says which command was not found, for argv and for a shell command line", async () => {
    const result = await gate([
      check("argv", ["no-such-tool-xyz", "--check"]),
      check("shell", "no-such-tool-abc --flag"),
    ]);
    expect(result.passed).toBe(false);
    const [argv, shell] = result.checks;
    expect(argv).toMatchObject({ exitCode: 127 });
    expect(argv?.summary.split("\n")[0]).toBe("command not found: no-such-tool-xyz");
    expect(shell).toMatchObject({ exitCode: 127 });
    expect(shell?.summary.split("\n")[0]).toBe("command not found: no-such-tool-abc");
  });

  it("says so when a check fails silently or is killed by a signal", async () => {
    const result = await gate([
      check("silent", ["false"]),
      check("killed", [node, "-e", "process.kill(process.pid, 'SIGKILL')"]),
    ]);
    const [silent, killed] = result.checks;
    expect(silent).toMatchObject({ exitCode: 1, summary: "exit code 1 and no output" });
    expect(killed).toMatchObject({ exitCode: null, summary: "killed by SIGKILL and no output" });
    expect(result.feedback).toContain("## check `killed` (custom) killed by SIGKILL\n");
  });

  it("layers check env over gate env over defaults that switch off colours", async () => {
    const show =
      "console.log([process.env.CI, process.env.NO_COLOR, process.env.A, process.env.B].join(' ')); process.exit(3)";
    const result = await gate(
      [check("env", [node, "-e", show], "custom", { env: { B: "check" } })],
      {
        env: { A: "gate", B: "gate" },
      },
    );
    expect(only(result.checks)).toMatchObject({ exitCode: 3, summary: "true 1 gate check" });
    expect(result.feedback).toContain("## check `env` (custom) failed, exit 3");
  });

  it("names log files after checks, whatever characters the names hold", async () => {
    const result = await gate([check("unit/tests all", [node, "-e", "console.log('hi')"])]);
    const logFile = join(logDir, "unit_tests_all.log");
    expect(only(result.checks).logFile).toBe(logFile);
    expect(existsSync(logFile)).toBe(true);
  });

  it("throws the abort reason and kills the running check when the signal aborts", async () => {
    const controller = new AbortController();
    const reason = new Error("run interrupted");
    setTimeout(() => {
      controller.abort(reason);
    }, 300);
    const started = Date.now();
    const hang = check("hang", [node, "-e", "setTimeout(() => {}, 30000)"]);
    await expect(gate([hang, check("next", ["true"])], { signal: controller.signal })).rejects.toBe(
      reason,
    );
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(existsSync(join(logDir, "next.log"))).toBe(false);
  });
});

describe("runGate levels", () => {
  const ok = (name: string): CheckSpec => check(name, [node, "-e", "process.exit(0)"]);
  const bad = (name: string): CheckSpec =>
    check(name, [node, "-e", `console.log('${name} broke'); process.exit(1)`]);

  it("runs only the checks of the level, in the level's order", async () => {
    const checks = [ok("a"), ok("b"), bad("c")];
    const result = await gate(checks, { level: "MEDIUM", levels: { MEDIUM: ["b", "a"] } });
    expect(result).toMatchObject({ passed: true, level: "MEDIUM", feedback: "" });
    expect(result.checks.map((c) => c.name)).toEqual(["b", "a"]);
    expect(existsSync(join(logDir, "c.log"))).toBe(false);
  });

  it("passes an empty level without running anything", async () => {
    const result = await gate([bad("c")], { level: "TRIVIAL", levels: { TRIVIAL: [] } });
    expect(result).toEqual({
      passed: true,
      breaking: false,
      level: "TRIVIAL",
      checks: [],
      feedback: "",
    });
  });

  it("runs every check after a failure and reports only the failed ones", async () => {
    const result = await gate([bad("first"), ok("second"), bad("third")], { level: "LARGE" });
    expect(result.checks.map((c) => [c.name, c.passed])).toEqual([
      ["first", false],
      ["second", true],
      ["third", false],
    ]);
    expect(result.feedback).toBe(
      [
        "Quality gate failed at level LARGE:",
        "## check `first` (custom) failed, exit 1\nfirst broke",
        "## check `third` (custom) failed, exit 1\nthird broke",
      ].join("\n\n"),
    );
  });

  it("rejects a level naming a check that is not defined, before running anything", async () => {
    const promise = gate([ok("a")], { levels: { SMALL: ["a", "ghost"] } });
    await expect(promise).rejects.toThrow(UserError);
    await expect(promise).rejects.toThrow(/ghost/);
    expect(existsSync(join(logDir, "a.log"))).toBe(false);
  });
});

describe("resolveBundledEslint", () => {
  it("finds the ESLint CLI installed with this package", () => {
    const bin = resolveBundledEslint();
    expect(bin).toMatch(/eslint[/\\]bin[/\\]eslint\.js$/);
    expect(existsSync(bin ?? "")).toBe(true);
  });

  it("returns undefined where ESLint cannot be resolved", () => {
    expect(resolveBundledEslint(pathToFileURL(join(dir, "nowhere.js")).href)).toBeUndefined();
  });
});
