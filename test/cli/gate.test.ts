import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { run } from "../../src/cli/main.js";
import { createTempRepo, type TempRepo } from "../workspace/temp-repo.js";

let repo: TempRepo | undefined;
afterEach(async () => {
  await repo?.cleanup();
  repo = undefined;
});

async function gateCli(
  args: readonly string[],
  cwd: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on("data", (c: Buffer) => out.push(c));
  stderr.on("data", (c: Buffer) => err.push(c));
  const code = await run(["node", "orchestrator", "gate", ...args], {
    stdout,
    stderr,
    env: { NO_COLOR: "1" },
    cwd,
    exitCode: 0,
  });
  return {
    code,
    stdout: Buffer.concat(out).toString("utf8"),
    stderr: Buffer.concat(err).toString("utf8"),
  };
}

const QUALITY = [
  "checks:",
  "  tests:",
  "    kind: tests",
  "    command: mkdir -p .gate && cp results.xml .gate/junit.xml && ! grep -q '<failure' results.xml",
  "    report: { format: junit, file: .gate/junit.xml }",
  "default_level: MEDIUM",
  "",
].join("\n");

function junit(failing: readonly string[]): string {
  const cases = ["a", "b"].map((name) =>
    failing.includes(name)
      ? `<testcase classname="s" name="${name}"><failure message="boom">at t.js:4</failure></testcase>`
      : `<testcase classname="s" name="${name}"/>`,
  );
  return `<testsuites><testsuite name="s">\n${cases.join("\n")}\n</testsuite></testsuites>\n`;
}

async function project(): Promise<TempRepo> {
  const r = await createTempRepo();
  repo = r;
  await r.write(".gitignore", ".gate/\n");
  await r.write(".orchestrator/quality_rules.yaml", QUALITY);
  await r.write("results.xml", junit(["b"]));
  await r.commitAll("base with a failing test b");
  return r;
}

describe("orchestrator gate", () => {
  it("passes with only a pre-existing failure and leaves the checkout as it was", async () => {
    const r = await project();
    await r.write("new-file.txt", "untracked\n");
    const before = await r.sh("status", "--porcelain");
    const result = await gateCli(["--json"], r.root);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const verdict: unknown = JSON.parse(result.stdout);
    expect(verdict).toMatchObject({
      passed: true,
      level: "MEDIUM",
      levelReason: "default_level",
      base: await r.sh("rev-parse", "HEAD"),
      baseline: { reused: false, ran: ["tests"] },
      checks: [{ name: "tests", passed: true, findings: { tests: { stillFailing: 1 } } }],
    });
    expect(await r.sh("status", "--porcelain")).toBe(before);
  });

  it("fails on a regression in uncommitted changes, reusing the baseline, and prints the report", async () => {
    const r = await project();
    expect((await gateCli([], r.root)).code).toBe(0);
    await r.write("results.xml", junit(["a", "b"]));
    const result = await gateCli([], r.root);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("baseline reused");
    expect(result.stdout).toContain("FAIL tests (tests)");
    expect(result.stdout).toContain("REGRESSION s > a (passed -> failed) at t.js:4: boom");
    expect(await readFile(join(r.root, "results.xml"), "utf8")).toBe(junit(["a", "b"]));
    expect(await r.sh("status", "--porcelain")).toBe("M results.xml");
  });

  it("takes --base and compares against it", async () => {
    const r = await project();
    const base = await r.sh("rev-parse", "HEAD");
    await r.write("results.xml", junit(["a", "b"]));
    await r.commitAll("break a");
    const result = await gateCli(["--base", base, "--json"], r.root);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ passed: false, base });
    // The default base on the default branch is HEAD: the committed break is the baseline.
    expect((await gateCli([], r.root)).code).toBe(0);
  });

  it("exits 2 on a bad level or an unknown base", async () => {
    const r = await project();
    const level = await gateCli(["--level", "HUGE"], r.root);
    expect(level.code).toBe(2);
    expect(level.stderr).toContain(
      '--level: expected one of TRIVIAL, SMALL, MEDIUM, LARGE or auto, found "HUGE"',
    );
    const base = await gateCli(["--base", "no-such-ref"], r.root);
    expect(base.code).toBe(2);
    expect(base.stderr).toContain('--base "no-such-ref" is not a commit');
  });
});
