import { existsSync } from "node:fs";
import { chmod, readFile, readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createTempRepo, type TempRepo } from "../../test/workspace/temp-repo.js";
import type { CheckSpec, QualityConfig, QualityLevel } from "../core/project-config.js";
import { runGateAgainstBase, type GateRunRequest } from "./run-against-base.js";
import type { GateBaselineRecord } from "../core/gate-port.js";

let repo: TempRepo | undefined;
afterEach(async () => {
  await repo?.cleanup();
  repo = undefined;
});

function junit(tests: Record<string, "pass" | "fail">): string {
  const cases = Object.entries(tests).map(([name, result]) =>
    result === "pass"
      ? `<testcase classname="suite" name="${name}" file="src/x.test.js"/>`
      : `<testcase classname="suite" name="${name}" file="src/x.test.js"><failure message="expected 1 to be 2">at src/x.test.js:7:3</failure></testcase>`,
  );
  return `<?xml version="1.0"?>\n<testsuites><testsuite name="x">\n${cases.join("\n")}\n</testsuite></testsuites>\n`;
}

function lcov(hits: Record<number, number>): string {
  const lines = Object.entries(hits).map(([line, n]) => `DA:${line},${n}`);
  return ["TN:", "SF:src/lib.js", ...lines, "end_of_record", ""].join("\n");
}

function check(name: string, partial: Partial<CheckSpec>): CheckSpec {
  return { name, command: "true", timeoutMs: 30_000, kind: "custom", env: {}, ...partial };
}

/** Checks that copy committed "results" into report files: the repository state decides. */
const CHECKS: CheckSpec[] = [
  check("tests", {
    kind: "tests",
    command:
      "mkdir -p .gate && cp results/junit.xml .gate/junit.xml && echo ran:{files} > .gate/args && ! grep -q '<failure' results/junit.xml",
    related:
      "mkdir -p .gate && grep -v 'name=\"b\"' results/junit.xml > .gate/junit.xml; echo related:{files} >> ran.log",
    reports: [{ format: "junit", file: ".gate/junit.xml" }],
  }),
  check("lint", {
    kind: "lint",
    command: "cat results/lint.txt",
    reports: [{ format: "generic" }],
  }),
  check("coverage", {
    kind: "coverage",
    command: "mkdir -p .gate && cp results/lcov.info .gate/lcov.info",
    reports: [{ format: "lcov", file: ".gate/lcov.info" }],
    tolerancePct: 1,
  }),
  check("api", { kind: "breaking", command: "test ! -f BREAKING" }),
];

function quality(levels: Partial<Record<QualityLevel, string[]>> = {}): QualityConfig {
  const all = CHECKS.map((c) => c.name);
  return {
    checks: new Map(CHECKS.map((c) => [c.name, c])),
    levels: { TRIVIAL: ["lint"], SMALL: all, MEDIUM: all, LARGE: all, ...levels },
    defaultLevel: "MEDIUM",
    maxAttempts: 3,
    planReviewRounds: 2,
    policyDocs: [],
    contextTokenBudget: 20_000,
  };
}

async function baseRepo(): Promise<{ r: TempRepo; base: string }> {
  const r = await createTempRepo();
  repo = r;
  await r.write(".gitignore", ".gate/\nran.log\n");
  await r.write("results/junit.xml", junit({ a: "pass", b: "fail", c: "pass" }));
  await r.write("results/lint.txt", "src/lib.js:3: 'x' is unused\n");
  await r.write("results/lcov.info", lcov({ 1: 1, 2: 1, 3: 1, 4: 0 }));
  await r.write("src/lib.js", "a\nb\nc\nd\n");
  const base = await r.commitAll("base");
  return { r, base };
}

async function gate(
  r: TempRepo,
  base: string,
  extra: Partial<GateRunRequest> = {},
): Promise<Awaited<ReturnType<typeof runGateAgainstBase>>> {
  return runGateAgainstBase({
    runner: r.runner,
    quality: quality(),
    cwd: r.root,
    baseSha: base,
    level: { fixed: "MEDIUM", reason: "test" },
    logDir: join(r.root, "..", "logs", String(Date.now())),
    ...extra,
  });
}

describe("the gate against a baseline", () => {
  it("passes when only pre-existing failures and warnings remain, and caches the baseline", async () => {
    const { r, base } = await baseRepo();
    await r.write("src/lib.js", "a\nb\nc\nd\ne\n");
    const records: GateBaselineRecord[] = [];
    const first = await gate(r, base, { onBaseline: (b) => Promise.resolve(void records.push(b)) });
    expect(first.feedback).toBe("");
    expect(first.passed).toBe(true);
    expect(first.checks.map((c) => [c.name, c.passed])).toEqual([
      ["tests", true],
      ["lint", true],
      ["coverage", true],
      ["api", true],
    ]);
    expect(first.checks[0]?.findings?.tests?.stillFailing).toBe(1);
    expect(records[0]).toMatchObject({
      sha: base,
      reused: false,
      ran: ["tests", "lint", "coverage"],
    });
    expect(existsSync(records[0]?.file ?? "")).toBe(true);
    expect(records[0]?.file).toContain(join(".orchestrator", "cache", "baselines", `${base}-`));

    const second = await gate(r, base, {
      onBaseline: (b) => Promise.resolve(void records.push(b)),
    });
    expect(second.passed).toBe(true);
    expect(records[1]).toMatchObject({ reused: true, ran: [] });
    // The baseline worktree is gone and the checkout only gained what the checks wrote.
    expect(await readdir(join(r.root, ".orchestrator", "cache", "worktrees"))).toEqual([]);
    expect(await r.sh("status", "--porcelain")).toBe("M src/lib.js");
  });

  it("blocks a regressed test, a new warning and lost coverage, naming each", async () => {
    const { r, base } = await baseRepo();
    await r.write("results/junit.xml", junit({ a: "fail", b: "fail", c: "pass", d: "fail" }));
    await r.write("results/lint.txt", "src/lib.js:9: 'x' is unused\nsrc/lib.js:4: 'y' is unused\n");
    await r.write("results/lcov.info", lcov({ 1: 1, 2: 0, 3: 1, 4: 0, 5: 0 }));
    await r.write("src/lib.js", "a\nb\nc\nd\ne\n");
    const result = await gate(r, base);
    expect(result.passed).toBe(false);
    const [tests, lint, coverage] = result.checks;
    expect(tests?.findings?.tests?.regressions.map((t) => [t.name, t.location])).toEqual([
      ["a", "src/x.test.js:7:3"],
    ]);
    expect(tests?.findings?.tests?.newFailures.map((t) => t.name)).toEqual(["d"]);
    // The moved warning is not new; the other one is.
    expect(lint?.findings?.warnings?.blocking.map((w) => `${w.file}:${w.line}`)).toEqual([
      "src/lib.js:4",
    ]);
    expect(coverage?.findings?.coverage?.problems[0]).toMatch(/fell from 75% to 40%/);
    expect(coverage?.findings?.coverage?.patch?.uncovered).toEqual([
      { file: "src/lib.js", lines: [5] },
    ]);
    expect(result.feedback).toContain(
      "REGRESSION suite > a (passed -> failed) at src/x.test.js:7:3",
    );
    expect(result.feedback).toContain("src/lib.js:4 'y' is unused");
    expect(result.feedback).toContain("uncovered changed lines: src/lib.js:5");
    expect(result.breaking).toBe(false);
  });

  it("flags a failed breaking check", async () => {
    const { r, base } = await baseRepo();
    await r.write("BREAKING", "yes\n");
    const result = await gate(r, base);
    expect(result.passed).toBe(false);
    expect(result.breaking).toBe(true);
    expect(result.feedback).toMatch(/check `api` \(breaking\).*BREAKING change/);
  });

  it("SMALL runs the related command with the changed files; tests it skips are not missing", async () => {
    const { r, base } = await baseRepo();
    await r.write("src/lib.js", "changed\n");
    const result = await gate(r, base, { level: { fixed: "SMALL", reason: "test" } });
    expect(result.feedback).toBe("");
    expect(result.checks[0]).toMatchObject({ name: "tests", mode: "related", passed: true });
    expect(await readFile(join(r.root, "ran.log"), "utf8")).toBe("related:src/lib.js\n");
    // A check without a related command runs in full.
    expect(result.checks[2]).toMatchObject({ name: "coverage", mode: "full" });
  });

  it("chooses the level from the change and says why", async () => {
    const { r, base } = await baseRepo();
    await r.write("docs/guide.md", "# guide\n");
    const result = await gate(r, base, {
      level: {
        choose: { defaultLevel: "MEDIUM", taskRisk: "medium", stepRisk: "medium", isFinal: false },
        stepRef: "HEAD",
      },
    });
    expect(result.level).toBe("TRIVIAL");
    expect(result.levelReason).toBe("documentation-only change");
    expect(result.checks.map((c) => c.name)).toEqual(["lint"]);
  });

  it("applies the task's coverage constraint to patch and total", async () => {
    const { r, base } = await baseRepo();
    await r.write("src/lib.js", "a\nb\nc\nd\ne\n");
    await r.write("results/lcov.info", lcov({ 1: 1, 2: 1, 3: 1, 4: 1, 5: 0 }));
    const result = await gate(r, base, {
      constraints: ["90%+ test coverage"],
      coverageConstraint: true,
    });
    const problems = result.checks[2]?.findings?.coverage?.problems ?? [];
    // The base (75%) was already below 90%: the total only has to not fall, and it rose.
    expect(problems).toEqual(["patch coverage 0% (0 of 1 changed lines) is below the task's 90%"]);
  });

  it("a missing report fails the check", async () => {
    const { r, base } = await baseRepo();
    await rm(join(r.root, "results", "lcov.info"));
    const result = await gate(r, base);
    expect(result.checks[2]?.passed).toBe(false);
    expect(result.checks[2]?.summary).toContain("report .gate/lcov.info (lcov) was not written");
  });

  it("a non-zero exit the reports do not explain fails when the base exited 0", async () => {
    const { r, base } = await baseRepo();
    await r.write("results/lint.txt", "");
    await r.commitAll("clean lint");
    const lint = check("lint", {
      kind: "lint",
      command: "cat results/lint.txt; test ! -f CRASH",
      reports: [{ format: "generic" }],
    });
    const q: QualityConfig = {
      ...quality({ MEDIUM: ["lint"] }),
      checks: new Map([["lint", lint]]),
    };
    const head = await r.sh("rev-parse", "HEAD");
    await r.write("CRASH", "1\n");
    const result = await gate(r, head, { quality: q });
    expect(result.checks[0]?.passed).toBe(false);
    expect(result.checks[0]?.summary).toContain("exit code 1, but the reports show no failure");
    expect(base).not.toBe(head);
  });

  it("runs a plain pre-commit hook found in the shared hooks directory", async () => {
    const { r, base } = await baseRepo();
    const hook = join(r.root, ".git", "hooks", "pre-commit");
    await r.write(".git/hooks/pre-commit", "#!/bin/sh\necho hook ran >&2\nexit 1\n");
    await chmod(hook, 0o755);
    await r.write("src/lib.js", "x\n");
    const hooks: CheckSpec = check("hooks", { kind: "hooks", command: [] });
    const q: QualityConfig = {
      ...quality(),
      checks: new Map([["hooks", hooks]]),
      levels: { TRIVIAL: ["hooks"], SMALL: ["hooks"], MEDIUM: ["hooks"], LARGE: ["hooks"] },
    };
    const result = await gate(r, base, { quality: q });
    expect(result.checks[0]).toMatchObject({ name: "hooks", passed: false, exitCode: 1 });
    expect(result.feedback).toContain("hook ran");
  });
});
