import { readFile } from "node:fs/promises";
import { expect } from "vitest";
import { checkOf } from "./gate-json.js";
import type { GateCheckJson, GateJson, TestFinding, WarningFinding } from "./gate-json.js";
import { testsRun } from "./fixture-repo.js";
import type { FixtureRepo } from "./fixture-repo.js";

// Assertions the gate acceptance tests make on every toolchain's fixture alike. Each takes the
// toolchain's own names (tests, files, rules), so a failure still says which project broke.

/** The tests check's one regression (a test that passed on the base and fails now). */
export function onlyRegression(json: GateJson): TestFinding | undefined {
  const tests = checkOf(json, "tests");
  expect(tests.passed).toBe(false);
  const regressions = tests.findings?.tests?.regressions ?? [];
  expect(regressions).toHaveLength(1);
  return regressions[0];
}

/**
 * Runs the gate at SMALL on the same change and asserts it blocks on the same regression,
 * having run only the `count` tests whose names match `related` (the changed module's).
 */
export async function expectSmallFindsRegression(
  repo: FixtureRepo,
  name: string,
  related: { readonly count: number; readonly names: RegExp },
): Promise<void> {
  const small = await repo.gate("SMALL");
  expect(small.cli.code).toBe(1);
  const tests = checkOf(small.json, "tests");
  expect(tests.findings?.tests?.regressions.map((r) => r.name)).toEqual([name]);
  const ran = await relatedTestsRun(tests);
  expect(ran).toHaveLength(related.count);
  for (const test of ran) expect(test).toMatch(related.names);
}

/** The tests a tests check ran in `related` mode (only the changed files' tests). */
export async function relatedTestsRun(tests: GateCheckJson): Promise<string[]> {
  expect(tests.mode).toBe("related");
  return testsRun(tests.logFile);
}

/**
 * Asserts that the test `name` failed in this run too, and was the one failure: the gate
 * passed because the failure was already on the base, not because it went away.
 */
export async function expectStillFailing(json: GateJson, name: string): Promise<void> {
  const tests = checkOf(json, "tests");
  expect(await testsRun(tests.logFile)).toContain(name);
  expect(await readFile(tests.logFile, "utf8")).toMatch(/1 failed/);
}

/** The lint check's one blocking warning, new in this change. */
export function onlyNewWarning(json: GateJson): WarningFinding | undefined {
  const warnings = checkOf(json, "lint").findings?.warnings;
  expect(warnings?.newCount).toBe(1);
  expect(warnings?.blocking).toHaveLength(1);
  return warnings?.blocking[0];
}

/** Asserts that coverage fell below the base's 100%, by a positive number of points. */
export function expectCoverageDrop(json: GateJson): void {
  const coverage = checkOf(json, "coverage").findings?.coverage;
  expect(coverage?.baselinePct).toBe(100);
  expect(coverage?.currentPct).toBeLessThan(100);
  expect(coverage?.dropPct).toBeGreaterThan(0);
}
