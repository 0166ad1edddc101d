import { existsSync } from "node:fs";
import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { createTempRepo, type TempRepo } from "../../test/workspace/temp-repo.js";
import type { CheckSpec, QualityConfig } from "../core/project-config.js";
import {
  ensureBaseline,
  prewarmBaseline,
  prewarmChecks,
  type BaselineOptions,
} from "./baseline.js";

let repo: TempRepo | undefined;
let scratch: string | undefined;
afterEach(async () => {
  await repo?.cleanup();
  repo = undefined;
  if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
  scratch = undefined;
});

const JUNIT =
  '<?xml version="1.0"?>\n<testsuites><testsuite name="x"><testcase classname="s" name="a"/></testsuite></testsuites>\n';

function check(name: string, partial: Partial<CheckSpec>): CheckSpec {
  return { name, command: "true", timeoutMs: 30_000, kind: "custom", env: {}, ...partial };
}

/** A check that appends its name to `log` each time it runs, then writes a JUnit report. */
function countingCheck(name: string, log: string, extra = ""): CheckSpec {
  return check(name, {
    kind: "tests",
    command: `echo ${name} >> '${log}'; ${extra} mkdir -p .gate && cp results/junit.xml .gate/${name}.xml`,
    reports: [{ format: "junit", file: `.gate/${name}.xml` }],
  });
}

function quality(checks: CheckSpec[], large: string[], medium: string[]): QualityConfig {
  return {
    checks: new Map(checks.map((c) => [c.name, c])),
    levels: { TRIVIAL: [], SMALL: medium, MEDIUM: medium, LARGE: large },
    defaultLevel: "MEDIUM",
    maxAttempts: 3,
    planReviewRounds: 2,
    policyDocs: [],
    contextTokenBudget: 20_000,
  };
}

async function setUp(): Promise<{ r: TempRepo; base: string; dir: string }> {
  const r = await createTempRepo();
  repo = r;
  const dir = await mkdtemp(join(tmpdir(), "baseline-test-"));
  scratch = dir;
  await r.write(".gitignore", ".gate/\n");
  await r.write("results/junit.xml", JUNIT);
  const base = await r.commitAll("base");
  return { r, base, dir };
}

async function lines(file: string): Promise<string[]> {
  if (!existsSync(file)) return [];
  return (await readFile(file, "utf8")).split("\n").filter((l) => l !== "");
}

function options(
  r: TempRepo,
  base: string,
  dir: string,
  q: QualityConfig,
  checks: CheckSpec[],
): BaselineOptions {
  return {
    runner: r.runner,
    mainRoot: r.root,
    sha: base,
    quality: q,
    checks,
    logDir: join(dir, "logs", String(Math.random())),
  };
}

describe("ensureBaseline in one process", () => {
  it("runs a check once when called twice at the same time for the same base", async () => {
    const { r, base, dir } = await setUp();
    const log = join(dir, "runs.log");
    const tests = countingCheck("tests", log, "sleep 0.3;");
    const q = quality([tests], ["tests"], ["tests"]);
    const [a, b] = await Promise.all([
      ensureBaseline(options(r, base, dir, q, [tests])),
      ensureBaseline(options(r, base, dir, q, [tests])),
    ]);
    expect(await lines(log)).toEqual(["tests"]);
    // Both needed the check when they looked: one ran it, the other waited for that run.
    expect(a.record).toMatchObject({ ran: ["tests"], reused: false, checks: ["tests"] });
    expect(b.record).toMatchObject({ ran: ["tests"], reused: false, checks: ["tests"] });
    expect(b.runs.get("tests")?.data.tests?.length).toBe(1);
    expect(a.runs.get("tests")?.data.tests?.length).toBe(1);

    const c = await ensureBaseline(options(r, base, dir, q, [tests]));
    expect(c.record).toMatchObject({ ran: [], reused: true });
    expect(await lines(log)).toEqual(["tests"]);
  });

  it("a gate waits for the prewarm of every check with a report instead of running its own", async () => {
    const { r, base, dir } = await setUp();
    const log = join(dir, "runs.log");
    const tests = countingCheck("tests", log, "sleep 0.2;");
    const extra = countingCheck("extra", log);
    const lint = check("lint", { kind: "lint", command: `echo lint >> '${log}'` });
    const q = quality([tests, extra, lint], ["tests", "extra", "lint"], ["tests", "lint"]);
    expect(prewarmChecks(q).map((c) => c.name)).toEqual(["tests", "extra"]);

    const prewarm = prewarmBaseline({
      runner: r.runner,
      mainRoot: r.root,
      sha: base,
      quality: q,
      logDir: join(dir, "prewarm"),
    });
    // Give the prewarm time to register, as planning does at task start.
    await sleep(50);
    const gate = await ensureBaseline(options(r, base, dir, q, [tests]));
    const warmed = await prewarm.done;
    expect((await lines(log)).sort()).toEqual(["extra", "tests"]);
    expect(warmed?.record).toMatchObject({ ran: ["tests", "extra"], reused: false });
    expect(gate.record).toMatchObject({
      ran: ["tests"],
      reused: false,
      checks: ["extra", "tests"],
    });
  });

  it("an aborted prewarm kills its check and leaves nothing behind; the gate then runs it", async () => {
    const { r, base, dir } = await setUp();
    const log = join(dir, "runs.log");
    const pidFile = join(dir, "pid");
    const slowFlag = join(dir, "slow");
    await writeFile(slowFlag, "");
    // Slow (and recording its pid) only while the flag file exists.
    const tests = countingCheck(
      "tests",
      log,
      `if [ -f '${slowFlag}' ]; then echo $$ > '${pidFile}'; exec sleep 30; fi;`,
    );
    const q = quality([tests], ["tests"], ["tests"]);
    const prewarm = prewarmBaseline({
      runner: r.runner,
      mainRoot: r.root,
      sha: base,
      quality: q,
      logDir: join(dir, "prewarm"),
    });
    const settled = prewarm.done.then(
      () => "resolved",
      () => "rejected",
    );
    for (let i = 0; i < 200 && !existsSync(pidFile); i++) await sleep(25);
    const pid = Number((await readFile(pidFile, "utf8")).trim());
    prewarm.abort();
    expect(await settled).toBe("rejected");
    expect(() => process.kill(pid, 0)).toThrow();
    expect(await readdir(join(r.root, ".orchestrator", "cache", "worktrees"))).toEqual([]);

    await rm(slowFlag);
    const gate = await ensureBaseline(options(r, base, dir, q, [tests]));
    expect(gate.record).toMatchObject({ ran: ["tests"], reused: false });
    expect(await lines(log)).toEqual(["tests", "tests"]);
  });
});
