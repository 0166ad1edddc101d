/**
 * The gate bench's project: a TypeScript library of many small modules, each with its own
 * vitest file, written into a folder on demand so the repository holds only this generator.
 * Tests of one module import that module alone, so `vitest related` on one changed file runs a
 * single test file while the full suite runs them all.
 */
import { mkdir, symlink, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";

/** The shape of the generated project. */
export interface GateBenchShape {
  /** Modules under src/, each with one test file under test/. */
  readonly modules: number;
  /** Tests per test file. */
  readonly testsPerModule: number;
}

/** 40 modules x 8 tests: 320 tests. */
export const DEFAULT_SHAPE: GateBenchShape = { modules: 40, testsPerModule: 8 };

/** `mod07`: the name of module `index` (zero-based). */
export function moduleName(index: number): string {
  return `mod${String(index).padStart(2, "0")}`;
}

/** The source of one module: a few pure functions parameterised by the module's index. */
export function moduleSource(index: number): string {
  return `/** Module ${index} of the gate bench library. */
export const SEED = ${index + 1};

/** Adds the module's seed. */
export function shift(value: number): number {
  return value + SEED;
}

/** The sum of the first \`count\` multiples of the seed. */
export function series(count: number): number {
  let total = 0;
  for (let i = 1; i <= count; i += 1) total += i * SEED;
  return total;
}

/** The primes below \`limit\` (sieve of Eratosthenes). */
export function primes(limit: number): number[] {
  const composite = new Uint8Array(limit);
  const found: number[] = [];
  for (let n = 2; n < limit; n += 1) {
    if (composite[n] === 1) continue;
    found.push(n);
    for (let m = n * n; m < limit; m += n) composite[m] = 1;
  }
  return found;
}

/** \`text\` repeated \`SEED\` times, joined by dashes. */
export function label(text: string): string {
  return Array.from({ length: SEED }, () => text).join("-");
}
`;
}

/** Test file of one module: `testsPerModule` tests over its functions. */
export function testSource(index: number, testsPerModule: number): string {
  const seed = index + 1;
  const name = moduleName(index);
  const cases: string[] = [];
  for (let t = 0; t < testsPerModule; t += 1) {
    switch (t % 4) {
      case 0:
        cases.push(`  it("shifts ${t} by the seed", () => {
    expect(shift(${t})).toBe(${t + seed});
  });`);
        break;
      case 1:
        cases.push(`  it("sums a series of ${t + 10}", () => {
    expect(series(${t + 10})).toBe(${(seed * (t + 10) * (t + 11)) / 2});
  });`);
        break;
      case 2:
        cases.push(`  it("finds the primes below ${1000 + t}", () => {
    const found = primes(${1000 + t});
    expect(found[0]).toBe(2);
    expect(found.every((p) => p < ${1000 + t})).toBe(true);
  });`);
        break;
      default:
        cases.push(`  it("labels case ${t}", () => {
    expect(label("x${t}").split("-")).toHaveLength(${seed});
  });`);
    }
  }
  return `import { describe, expect, it } from "vitest";
import { label, primes, series, shift } from "../src/${name}.js";

describe("${name}", () => {
${cases.join("\n")}
});
`;
}

const VITEST_CONFIG = `import { defineConfig } from "vitest/config";

export default defineConfig({
  // node_modules is a link to a shared folder: keep vitest's cache inside this repository.
  cacheDir: ".vitest-cache",
  test: { include: ["test/**/*.test.ts"] },
});
`;

/**
 * The gate of the bench project: one `tests` check, run in full (MEDIUM) or on the tests related
 * to the changed files (SMALL), so the two levels differ in test selection only.
 */
const QUALITY_RULES = `setup: '[ -e node_modules ] || ln -s "$ORCHESTRATOR_REPO_ROOT/node_modules" node_modules'
checks:
  tests:
    kind: tests
    command: >-
      node_modules/.bin/vitest run --reporter=dot --reporter=junit
      --outputFile.junit=reports/junit.xml
    related: >-
      node_modules/.bin/vitest related --run --passWithNoTests --reporter=dot --reporter=junit
      --outputFile.junit=reports/junit.xml {files}
    report: { format: junit, file: reports/junit.xml }
    timeout: 5m
levels:
  TRIVIAL: [tests]
  SMALL: [tests]
  MEDIUM: [tests]
  LARGE: [tests]
default_level: MEDIUM
`;

/** Every file of the project, by path relative to its root. */
export function gateBenchFiles(shape: GateBenchShape = DEFAULT_SHAPE): Map<string, string> {
  const files = new Map<string, string>();
  files.set(
    "package.json",
    `${JSON.stringify({ name: "gate-bench", private: true, type: "module" }, null, 2)}\n`,
  );
  files.set(".gitignore", "node_modules\nreports/\ncoverage/\n.vitest-cache/\n");
  files.set("vitest.config.ts", VITEST_CONFIG);
  files.set(".orchestrator/quality_rules.yaml", QUALITY_RULES);
  files.set(".orchestrator/.gitignore", "state.db*\nworktrees/\nruns/\ncache/\n");
  for (let i = 0; i < shape.modules; i += 1) {
    const name = moduleName(i);
    files.set(`src/${name}.ts`, moduleSource(i));
    files.set(`test/${name}.test.ts`, testSource(i, shape.testsPerModule));
  }
  return files;
}

/**
 * Writes the project into `root` (which may not exist yet) and links its `node_modules` to
 * `nodeModules`, so vitest runs without an install.
 */
export async function writeGateBench(
  root: string,
  nodeModules: string,
  shape: GateBenchShape = DEFAULT_SHAPE,
): Promise<void> {
  for (const [path, text] of gateBenchFiles(shape)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
  await symlink(nodeModules, join(root, "node_modules"), "dir");
}
