import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { detectChecks } from "./detect-checks.js";
import type { Probe } from "./types.js";

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function project(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), "detect-"));
  dirs.push(root);
  for (const [name, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, name)), { recursive: true });
    await writeFile(join(root, name), text);
  }
  return root;
}

const pkg = (o: object): string => JSON.stringify(o);
/** Every tool runs, except those named. */
const probeAll =
  (missing: string[] = []): Probe =>
  (program, args) =>
    Promise.resolve(!missing.some((m) => [program, ...args].join(" ").includes(m)));

describe("detectChecks", () => {
  it("vitest, its coverage, ESLint and tsc in a pnpm project", async () => {
    const root = await project({
      "package.json": pkg({
        devDependencies: { vitest: "4", "@vitest/coverage-v8": "4", eslint: "9", typescript: "5" },
      }),
      "pnpm-lock.yaml": "",
      "eslint.config.js": "",
      "tsconfig.json": "{}",
    });
    const d = await detectChecks({ root, probe: probeAll() });
    expect(d.checks.map((c) => [c.name, c.report?.format])).toEqual([
      ["tests", "junit"],
      ["coverage", "lcov"],
      ["lint", "eslint-json"],
      ["typecheck", "tsc"],
    ]);
    expect(d.checks[0]?.command).toMatch(/^pnpm exec vitest run /);
    expect(d.checks[0]?.related).toContain("{files}");
  });

  it("node --test gets the TAP reporter; c8 wraps the same command for lcov", async () => {
    const root = await project({
      "package.json": pkg({
        scripts: { test: "node --test test/" },
        devDependencies: { c8: "10" },
      }),
    });
    const d = await detectChecks({ root, probe: probeAll() });
    expect(d.checks[0]).toMatchObject({
      name: "tests",
      command: "node --test --test-reporter=tap test/",
      report: { format: "tap" },
    });
    expect(d.checks[1]?.command).toBe(
      "npx c8 --reporter=lcovonly --report-dir=.orchestrator/reports/coverage node --test --test-reporter=tap test/",
    );
  });

  it("tape's own TAP output through the test script; npm's placeholder script is no test", async () => {
    const tape = await project({
      "package.json": pkg({ scripts: { test: "tape test/*.js" }, devDependencies: { tape: "5" } }),
    });
    expect((await detectChecks({ root: tape, probe: probeAll() })).checks[0]).toMatchObject({
      command: "npm run --silent test",
      report: { format: "tap" },
    });
    const placeholder = await project({
      "package.json": pkg({ scripts: { test: 'echo "Error: no test specified" && exit 1' } }),
    });
    expect((await detectChecks({ root: placeholder, probe: probeAll() })).checks).toEqual([]);
  });

  it("Python: ruff before flake8, mypy, pytest without pytest-cov, and a missing pytest noted", async () => {
    const root = await project({
      "pyproject.toml": "[tool.ruff]\n[tool.mypy]\n[tool.pytest.ini_options]\n",
      "setup.cfg": "[flake8]\n",
      "tests/test_a.py": "",
    });
    const d = await detectChecks({ root, probe: probeAll(["pytest_cov"]) });
    expect(d.checks.map((c) => [c.name, c.report?.format])).toEqual([
      ["tests", "junit"],
      ["lint", "ruff-json"],
      ["typecheck", "mypy"],
    ]);
    const noPytest = await detectChecks({ root, probe: probeAll(["import pytest", "ruff"]) });
    expect(noPytest.checks.map((c) => c.name)).toEqual(["lint", "typecheck"]);
    expect(noPytest.checks[0]?.command).toContain("-m flake8");
    expect(noPytest.notes).toEqual([
      "tests found, but python3 cannot import pytest: no tests check",
    ]);
  });

  it("cargo, go and pre-commit hooks; a second toolchain's tests get a prefix", async () => {
    const root = await project({
      "Cargo.toml": "",
      "go.mod": "",
      ".pre-commit-config.yaml": "repos: []\n",
    });
    const d = await detectChecks({ root, probe: probeAll() });
    expect(d.toolchains).toEqual(["cargo", "go"]);
    expect(d.checks.map((c) => `${c.name}: ${c.command ?? "(detected hook)"}`)).toEqual([
      "tests: cargo test --quiet",
      "lint: cargo clippy --all-targets --quiet -- -D warnings",
      "go-tests: go test ./...",
      "go-lint: go vet ./...",
      "hooks: (detected hook)",
    ]);
    const noCargo = await detectChecks({ root, probe: probeAll(["cargo"]) });
    expect(noCargo.notes).toContain("Cargo.toml found, but cargo does not run here");
  });

  it("finds nothing in a folder without a toolchain", async () => {
    const root = await project({ "README.md": "# hi\n" });
    expect(await detectChecks({ root, probe: probeAll() })).toEqual({
      toolchains: [],
      checks: [],
      notes: [],
    });
  });
});
