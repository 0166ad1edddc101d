import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { z } from "zod";
import { copyFixture, type FixtureRepo } from "../gate/fixture-repo.js";
import { runCli } from "../support/cli.js";
import { ensurePythonTools } from "../support/python-tools.js";

/** Debian's python3 (with pytest, pytest-cov and flake8) ahead of any other on PATH. */
const DEBIAN_PATH = `/usr/bin:${process.env.PATH ?? ""}`;

const repos: FixtureRepo[] = [];
afterEach(async () => {
  for (const r of repos.splice(0)) await r.cleanup();
});

async function fixture(name: "init-js" | "init-py"): Promise<FixtureRepo> {
  const r = await copyFixture(name);
  repos.push(r);
  return r;
}

const WrittenChecksSchema = z.object({
  checks: z
    .record(
      z.string(),
      z.object({
        kind: z.string(),
        command: z.string().optional(),
        report: z.object({ format: z.string(), file: z.string().optional() }).optional(),
      }),
    )
    .default({}),
});

async function writtenChecks(root: string) {
  const text = await readFile(join(root, ".orchestrator", "quality_rules.yaml"), "utf8");
  return WrittenChecksSchema.parse(parse(text)).checks;
}

describe(
  "orchestrator init detects the project's checks and runs them once",
  { timeout: 240_000 },
  () => {
    it("a mocha + ESLint project: tests with a TAP report and ESLint JSON, both green", async () => {
      const r = await fixture("init-js");
      const init = await runCli(["init"], r.root, r.env);
      expect(init.code, init.stderr).toBe(0);
      expect(init.stdout).toMatch(/ok tests: ran green in .*: 4 test\(s\) passed/);
      expect(init.stdout).toMatch(/ok lint: ran green/);
      expect(init.stdout).toContain("gate checks written: tests, lint (each ran once");
      const checks = await writtenChecks(r.root);
      expect(Object.keys(checks)).toEqual(["tests", "lint"]);
      expect(checks.tests?.report).toEqual({ format: "tap" });
      expect(checks.tests?.command).toContain("mocha --reporter tap");
      expect(checks.lint?.report?.format).toBe("eslint-json");
      const validate = await runCli(["validate"], r.root, r.env);
      expect(validate.code, validate.stderr).toBe(0);
      expect(validate.stdout).toContain("2 check(s)");
      expect(validate.stdout).not.toContain("warning");
      // The user's checkout is as it was, apart from the new .orchestrator/ files.
      expect(await r.git("status", "--porcelain")).toBe("?? .orchestrator/");
    });

    it("a check that fails on the untouched repository is left out, naming the failing test", async () => {
      const r = await fixture("init-js");
      await r.replace("test/slug.test.js", '"route-66"', '"route66"');
      await r.commitAll("a test that fails");
      const init = await runCli(["init"], r.root, r.env);
      expect(init.code, init.stderr).toBe(0);
      expect(init.stdout).toContain(
        "left out tests: failed on the untouched repository: 1 failing test(s): slugify keeps digits",
      );
      const checks = await writtenChecks(r.root);
      expect(Object.keys(checks)).toEqual(["lint"]);
      const text = await r.read(".orchestrator/quality_rules.yaml");
      expect(text).toContain("  # tests:");
    });

    it("a pytest + flake8 project: JUnit tests, Cobertura coverage and flake8, all green", async () => {
      await ensurePythonTools();
      const r = await fixture("init-py");
      const env = { ...r.env, PATH: DEBIAN_PATH };
      const init = await runCli(["init"], r.root, env);
      expect(init.code, init.stderr).toBe(0);
      expect(init.stdout).toMatch(/ok tests: ran green in .*: 3 test\(s\) passed/);
      const checks = await writtenChecks(r.root);
      expect(Object.keys(checks)).toEqual(["tests", "coverage", "lint"]);
      expect(checks.tests?.report?.format).toBe("junit");
      expect(checks.coverage?.report?.format).toBe("cobertura");
      expect(checks.lint?.command).toContain("-m flake8");
      const validate = await runCli(["validate", "--run-checks"], r.root, env);
      expect(validate.code, validate.stdout + validate.stderr).toBe(0);
      expect(validate.stdout).toContain("3 of 3 ran green");
    });

    it("nothing to detect: no checks, a warning from validate, and run refuses the empty gate", async () => {
      const r = await fixture("init-js");
      await r.git(
        "rm",
        "--quiet",
        "-r",
        "package.json",
        "test",
        "eslint.config.js",
        ".mocharc.json",
      );
      await r.commitAll("no toolchain left");
      const init = await runCli(["init"], r.root, r.env);
      expect(init.code, init.stderr).toBe(0);
      expect(init.stdout).toContain("no test, lint or type-check tool found");
      expect(await writtenChecks(r.root)).toEqual({});
      const validate = await runCli(["validate"], r.root, r.env);
      expect(validate.code).toBe(0);
      expect(validate.stdout).toContain(
        "warning: .orchestrator/quality_rules.yaml defines no checks: every step passes unchecked",
      );
      const run = await runCli(["run", "--task", "EXAMPLE-001"], r.root, r.env);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain("defines no checks: every step would be committed unchecked");
      expect(run.stderr).toContain("--allow-empty-gate");
      // Refused before anything was written.
      expect(await r.git("status", "--porcelain", "--ignored", ".orchestrator")).not.toContain(
        "state.db",
      );
      const allowed = await runCli(["run", "--task", "EXAMPLE-001", "--allow-empty-gate"], r.root, {
        ...r.env,
        PATH: "/nonexistent",
      });
      expect(allowed.stderr).not.toContain("defines no checks");
    });
  },
);
