import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { REPORT_DIR, type DetectedCheck } from "./types.js";

const PackageJsonSchema = z.object({
  scripts: z.record(z.string(), z.string()).optional(),
  dependencies: z.record(z.string(), z.string()).optional(),
  devDependencies: z.record(z.string(), z.string()).optional(),
});

interface JsProject {
  readonly root: string;
  readonly scripts: Readonly<Record<string, string>>;
  readonly deps: ReadonlySet<string>;
  /** Runs a package's binary: `npx`, `pnpm exec` or `yarn`. */
  readonly exec: string;
  /** Runs a package.json script: `npm run`, `pnpm run` or `yarn run`. */
  readonly runScript: string;
}

async function readProject(root: string): Promise<JsProject | undefined> {
  let text: string;
  try {
    text = await readFile(join(root, "package.json"), "utf8");
  } catch {
    return undefined;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = PackageJsonSchema.safeParse(json);
  if (!parsed.success) return undefined;
  const pkg = parsed.data;
  const pm = existsSync(join(root, "pnpm-lock.yaml"))
    ? "pnpm"
    : existsSync(join(root, "yarn.lock"))
      ? "yarn"
      : "npm";
  return {
    root,
    scripts: pkg.scripts ?? {},
    deps: new Set([
      ...Object.keys(pkg.dependencies ?? {}),
      ...Object.keys(pkg.devDependencies ?? {}),
    ]),
    exec: pm === "npm" ? "npx" : pm === "pnpm" ? "pnpm exec" : "yarn",
    runScript: `${pm} run`,
  };
}

function anyFile(root: string, names: readonly string[]): string | undefined {
  return names.find((n) => existsSync(join(root, n)));
}

/** The test runner and the command that makes it write a report the gate reads. */
function testCheck(p: JsProject): DetectedCheck | undefined {
  const script = p.scripts.test ?? "";
  const { exec } = p;
  if (p.deps.has("vitest")) {
    const junit = `--reporter=default --reporter=junit --outputFile.junit=${REPORT_DIR}/junit.xml`;
    return {
      name: "tests",
      kind: "tests",
      command: `${exec} vitest run ${junit}`,
      related: `${exec} vitest related --run --passWithNoTests ${junit} {files}`,
      report: { format: "junit", file: `${REPORT_DIR}/junit.xml` },
      because: "vitest in the dependencies (JUnit report)",
    };
  }
  if (p.deps.has("jest")) {
    if (p.deps.has("jest-junit")) {
      return {
        name: "tests",
        kind: "tests",
        command: `${exec} jest --ci --reporters=default --reporters=jest-junit`,
        related: `${exec} jest --ci --reporters=default --reporters=jest-junit --findRelatedTests {files}`,
        env: { JEST_JUNIT_OUTPUT_DIR: REPORT_DIR, JEST_JUNIT_OUTPUT_NAME: "junit.xml" },
        report: { format: "junit", file: `${REPORT_DIR}/junit.xml` },
        because: "jest and jest-junit in the dependencies (JUnit report)",
      };
    }
    return {
      name: "tests",
      kind: "tests",
      command: `${exec} jest --ci`,
      because: "jest in the dependencies (exit code only: add jest-junit for a report)",
    };
  }
  if (p.deps.has("mocha")) {
    return {
      name: "tests",
      kind: "tests",
      command: `${exec} mocha --reporter tap --reporter-option tapVersion=13`,
      report: { format: "tap" },
      because: "mocha in the dependencies (TAP report)",
    };
  }
  if (p.deps.has("tape") && /\btape\b/.test(script)) {
    return {
      name: "tests",
      kind: "tests",
      command: `${p.runScript} --silent test`,
      report: { format: "tap" },
      because: "the test script runs tape (TAP output)",
    };
  }
  const nodeTest = /\bnode\s+(?:[^&|;]*\s)?--test\b/.exec(script);
  if (nodeTest !== null && !/&&|\|\||;/.test(script)) {
    return {
      name: "tests",
      kind: "tests",
      command: script.replace(/--test\b/, "--test --test-reporter=tap"),
      report: { format: "tap" },
      because: "the test script runs node --test (TAP reporter)",
    };
  }
  if (script !== "" && !script.includes("no test specified")) {
    return {
      name: "tests",
      kind: "tests",
      command: `${p.runScript} test`,
      because: "a test script in package.json (exit code only: no known runner to report)",
    };
  }
  return undefined;
}

function coverageCheck(p: JsProject, tests: DetectedCheck | undefined): DetectedCheck | undefined {
  const lcov = { format: "lcov", file: `${REPORT_DIR}/coverage/lcov.info` } as const;
  const dir = `${REPORT_DIR}/coverage`;
  if (
    p.deps.has("vitest") &&
    (p.deps.has("@vitest/coverage-v8") || p.deps.has("@vitest/coverage-istanbul"))
  ) {
    return {
      name: "coverage",
      kind: "coverage",
      command: `${p.exec} vitest run --coverage --coverage.reporter=lcovonly --coverage.reportsDirectory=${dir}`,
      report: lcov,
      because: "vitest coverage in the dependencies (lcov)",
    };
  }
  if (p.deps.has("jest") && tests !== undefined) {
    return {
      name: "coverage",
      kind: "coverage",
      command: `${p.exec} jest --ci --coverage --coverageReporters=lcovonly --coverageDirectory=${dir}`,
      report: lcov,
      because: "jest's built-in coverage (lcov)",
    };
  }
  const wrapper = p.deps.has("c8") ? "c8" : p.deps.has("nyc") ? "nyc" : undefined;
  if (wrapper !== undefined && tests?.command !== undefined) {
    return {
      name: "coverage",
      kind: "coverage",
      command: `${p.exec} ${wrapper} --reporter=lcovonly --report-dir=${dir} ${tests.command}`,
      report: lcov,
      because: `${wrapper} in the dependencies (lcov)`,
    };
  }
  return undefined;
}

function lintCheck(p: JsProject): DetectedCheck | undefined {
  const config = anyFile(p.root, [
    "eslint.config.js",
    "eslint.config.mjs",
    "eslint.config.cjs",
    "eslint.config.ts",
    ".eslintrc.js",
    ".eslintrc.cjs",
    ".eslintrc.json",
    ".eslintrc.yml",
    ".eslintrc",
  ]);
  if (p.deps.has("eslint") && config !== undefined) {
    return {
      name: "lint",
      kind: "lint",
      command: `${p.exec} eslint . -f json -o ${REPORT_DIR}/eslint.json`,
      report: { format: "eslint-json", file: `${REPORT_DIR}/eslint.json` },
      because: `eslint with ${config}`,
    };
  }
  if (p.scripts.lint !== undefined) {
    return { name: "lint", kind: "lint", command: `${p.runScript} lint`, because: "a lint script" };
  }
  return undefined;
}

function typecheckCheck(p: JsProject): DetectedCheck | undefined {
  if (p.deps.has("typescript") && existsSync(join(p.root, "tsconfig.json"))) {
    return {
      name: "typecheck",
      kind: "typecheck",
      command: `${p.exec} tsc --noEmit -p . --pretty false`,
      report: { format: "tsc" },
      because: "typescript with tsconfig.json",
    };
  }
  const script = p.scripts.typecheck ?? p.scripts["type-check"];
  if (script !== undefined) {
    const name = p.scripts.typecheck === undefined ? "type-check" : "typecheck";
    return {
      name: "typecheck",
      kind: "typecheck",
      command: `${p.runScript} ${name}`,
      because: `a ${name} script`,
    };
  }
  return undefined;
}

/** The checks of a JavaScript/TypeScript project (package.json), and the setup they need. */
export async function detectJs(
  root: string,
): Promise<{ checks: DetectedCheck[]; setup?: string; notes: string[] } | undefined> {
  const project = await readProject(root);
  if (project === undefined) return undefined;
  const tests = testCheck(project);
  const checks = [
    tests,
    coverageCheck(project, tests),
    lintCheck(project),
    typecheckCheck(project),
  ].filter((c): c is DetectedCheck => c !== undefined);
  const notes: string[] = [];
  let setup: string | undefined;
  if (existsSync(join(root, "node_modules"))) {
    // Task worktrees have no node_modules of their own: link the checkout's.
    setup = 'ln -sfn "$ORCHESTRATOR_REPO_ROOT/node_modules" node_modules';
  } else if (checks.length > 0) {
    notes.push("no node_modules: install the dependencies before running the checks");
  }
  return { checks, ...(setup === undefined ? {} : { setup }), notes };
}
