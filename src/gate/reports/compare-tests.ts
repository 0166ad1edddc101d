import type { TestResult, TestStatus } from "./junit.js";

/** Identifies a test across runs. */
export interface TestId {
  readonly suite: string;
  readonly name: string;
}

/** One test's status at the baseline and now; `absent` when the run did not report it. */
export interface TestChange {
  suite: string;
  name: string;
  before: TestStatus | "absent";
  after: TestStatus | "absent";
  /** File, message and location from the current run, else from the baseline. */
  file?: string;
  message?: string;
  location?: string;
}

export interface TestComparison {
  /** Passed at baseline; now failed, errored, skipped or missing (SWE-bench's PASS_TO_PASS). */
  regressions: TestChange[];
  /**
   * Not passing-or-failing at baseline (absent or skipped) and failing now; plus every test the
   * step declares it adds that is not passing now (failing, skipped or missing).
   */
  newFailures: TestChange[];
  /** Failed or errored at baseline, passing now. */
  fixed: TestChange[];
  /** Failed or errored at baseline and now. */
  stillFailing: TestChange[];
}

export function testKey(test: TestId): string {
  return JSON.stringify([test.suite, test.name]);
}

const RANK: Record<TestStatus, number> = { passed: 0, skipped: 1, failed: 2, error: 3 };

function isFailing(status: TestStatus | "absent"): boolean {
  return status === "failed" || status === "error";
}

/**
 * Indexes results by suite + name. A name reported more than once (retries, several report
 * files) keeps its worst outcome: error > failed > skipped > passed.
 */
export function indexTests(results: readonly TestResult[]): Map<string, TestResult> {
  const map = new Map<string, TestResult>();
  for (const r of results) {
    const key = testKey(r);
    const seen = map.get(key);
    if (!seen || RANK[r.status] > RANK[seen.status]) map.set(key, r);
  }
  return map;
}

function change(id: TestId, before: TestResult | undefined, after: TestResult | undefined) {
  const out: TestChange = {
    suite: id.suite,
    name: id.name,
    before: before?.status ?? "absent",
    after: after?.status ?? "absent",
  };
  const file = after?.file ?? before?.file;
  const message = after?.message ?? before?.message;
  const location = after?.location ?? before?.location;
  if (file !== undefined) out.file = file;
  if (message !== undefined) out.message = message;
  if (location !== undefined) out.location = location;
  return out;
}

/**
 * Compares a run with the baseline run, keyed by suite + name. `addedTests` are tests the step
 * says it adds: each must be present and passing.
 */
export function compareTests(
  baseline: readonly TestResult[],
  current: readonly TestResult[],
  addedTests: readonly TestId[] = [],
): TestComparison {
  const before = indexTests(baseline);
  const after = indexTests(current);
  const added = new Map(addedTests.map((t) => [testKey(t), t] as const));
  const result: TestComparison = { regressions: [], newFailures: [], fixed: [], stillFailing: [] };

  for (const [key, base] of before) {
    const now = after.get(key);
    const nowStatus = now?.status ?? "absent";
    if (added.has(key)) continue;
    if (base.status === "passed") {
      if (nowStatus !== "passed") result.regressions.push(change(base, base, now));
    } else if (isFailing(base.status)) {
      if (nowStatus === "passed") result.fixed.push(change(base, base, now));
      else if (isFailing(nowStatus)) result.stillFailing.push(change(base, base, now));
    } else if (isFailing(nowStatus)) {
      result.newFailures.push(change(base, base, now));
    }
  }
  for (const [key, now] of after) {
    if (before.has(key) || added.has(key)) continue;
    if (isFailing(now.status)) result.newFailures.push(change(now, undefined, now));
  }
  for (const [key, id] of added) {
    const now = after.get(key);
    if (now?.status !== "passed") result.newFailures.push(change(id, before.get(key), now));
  }
  return result;
}
