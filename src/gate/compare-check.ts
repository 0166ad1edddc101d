import type {
  GateCoverageFinding,
  GateFindings,
  GateTestFinding,
  GateWarningFinding,
} from "../core/events.js";
import type { CheckSpec, WarningPolicyName } from "../core/project-config.js";
import {
  compareCoverage,
  patchCoverage,
  totalCoverage,
  type ChangedLines,
  type CoverageReport,
} from "./coverage/index.js";
import type { ReportData } from "./report-data.js";
import {
  compareTests,
  compareWarnings,
  testKey,
  type TestChange,
  type TestResult,
  type WarningPolicy,
} from "./reports/index.js";

/** Tests and warnings listed in findings; the counts say how many there were in all. */
const MAX_LISTED = 25;
/** Float noise allowed when comparing percentages. */
const EPSILON = 1e-9;

/** One run of a check: how it ended and what its reports said. */
export interface CheckRunData {
  readonly exitCode: number | null;
  readonly timedOut: boolean;
  readonly data: ReportData;
}

/** What a check is compared with and under which rules. */
export interface CompareContext {
  /** The base commit's run of the same check; absent: no baseline (everything counts as new). */
  readonly baseline?: CheckRunData | undefined;
  /** The run used the `related` command: tests it did not run are not missing. */
  readonly related: boolean;
  /** Files changed since the base (for `zero_in_touched`). */
  readonly touchedFiles: readonly string[];
  /** Lines changed since the base, for patch coverage. */
  readonly changedLines?: ChangedLines | undefined;
  /** The task's `NN%+ test coverage`, when it applies to this run. */
  readonly coverageMinPct?: number | undefined;
  /** The task's ZERO-WARNINGS: `no_new` is raised to `zero_in_touched`. */
  readonly zeroWarnings?: boolean | undefined;
}

export interface CheckVerdict {
  readonly passed: boolean;
  readonly findings: GateFindings;
}

const POLICY: Record<WarningPolicyName, WarningPolicy> = {
  no_new: "no-new",
  zero_in_touched: "zero-in-touched",
  zero: "zero",
};

function testFinding(change: TestChange): GateTestFinding {
  return {
    suite: change.suite,
    name: change.name,
    before: change.before,
    after: change.after,
    ...(change.file === undefined ? {} : { file: change.file }),
    ...(change.message === undefined ? {} : { message: change.message }),
    ...(change.location === undefined ? {} : { location: change.location }),
  };
}

function isFailing(t: TestResult): boolean {
  return t.status === "failed" || t.status === "error";
}

function compareTestData(
  baseline: readonly TestResult[],
  current: readonly TestResult[],
  related: boolean,
): { finding: NonNullable<GateFindings["tests"]>; blocking: number } {
  // A related run runs some tests only: the others are not missing, just not run.
  const ran = new Set(current.map(testKey));
  const base = related ? baseline.filter((t) => ran.has(testKey(t))) : baseline;
  const cmp = compareTests(base, current);
  return {
    finding: {
      regressions: cmp.regressions.slice(0, MAX_LISTED).map(testFinding),
      newFailures: cmp.newFailures.slice(0, MAX_LISTED).map(testFinding),
      stillFailing: cmp.stillFailing.length,
      total: ran.size,
    },
    blocking: cmp.regressions.length + cmp.newFailures.length,
  };
}

function compareCoverageData(
  spec: CheckSpec,
  baseline: CoverageReport | undefined,
  current: CoverageReport,
  ctx: CompareContext,
): GateCoverageFinding {
  const tolerancePct = spec.tolerancePct ?? 0;
  const problems: string[] = [];
  const currentPct = totalCoverage(current);
  // A related run covers what its tests touch: its total says nothing about the project's.
  const comparable = baseline !== undefined && !ctx.related;
  const cmp = comparable ? compareCoverage(baseline, current, tolerancePct) : undefined;
  const baselinePct = baseline === undefined ? null : totalCoverage(baseline);
  if (cmp !== undefined && !cmp.ok) {
    problems.push(
      `total line coverage fell from ${pct(cmp.baselinePct)} to ${pct(cmp.currentPct)} ` +
        `(-${cmp.dropPct.toFixed(2)} points; tolerance ${tolerancePct})`,
    );
  }
  const patch =
    ctx.changedLines === undefined ? undefined : patchCoverage(current, ctx.changedLines);
  const min = ctx.coverageMinPct;
  if (min !== undefined) {
    if (patch !== undefined && patch.total > 0 && patch.pct + EPSILON < min) {
      problems.push(
        `patch coverage ${pct(patch.pct)} (${patch.covered} of ${patch.total} changed lines) is below the task's ${min}%`,
      );
    }
    if (!ctx.related && currentPct + EPSILON < min) {
      if (baselinePct === null || baselinePct + EPSILON >= min) {
        problems.push(`total line coverage ${pct(currentPct)} is below the task's ${min}%`);
      } else if (currentPct + EPSILON < baselinePct) {
        problems.push(
          `total line coverage ${pct(currentPct)} is below the task's ${min}% and fell from ${pct(baselinePct)}`,
        );
      }
    }
  }
  return {
    baselinePct,
    currentPct,
    dropPct: cmp?.dropPct ?? null,
    tolerancePct,
    ...(min === undefined ? {} : { minPct: min }),
    files: (cmp?.worstFiles ?? []).slice(0, 10).map((f) => ({
      file: f.file,
      baselinePct: f.baselinePct,
      currentPct: f.currentPct,
      newlyUncoveredLines: f.newlyUncoveredLines,
    })),
    patch:
      patch === undefined
        ? null
        : {
            pct: patch.pct,
            covered: patch.covered,
            total: patch.total,
            uncovered: patch.uncovered
              .slice(0, 20)
              .map((u) => ({ file: u.file, lines: [...u.lines] })),
          },
    problems,
  };
}

function pct(value: number): string {
  return `${Number(value.toFixed(2))}%`;
}

/** Whether the report explains a non-zero exit: failing tests or warnings it lists. */
function explainsFailure(data: ReportData): boolean {
  return (data.tests ?? []).some(isFailing) || (data.warnings ?? []).length > 0;
}

/**
 * Compares one check's run with its baseline run. The check blocks on: a missing or unreadable
 * report, a test regression or new failure, a warning the policy forbids, coverage lost beyond
 * the tolerance (or below the task's minimum), and a non-zero exit code that the reports do not
 * explain unless the baseline exited non-zero too.
 */
export function compareCheck(
  spec: CheckSpec,
  run: CheckRunData,
  ctx: CompareContext,
): CheckVerdict {
  const errors = [...run.data.errors];
  const base = ctx.baseline;
  const findings: GateFindings = { errors };
  let blocking = errors.length;

  if (run.data.tests !== undefined) {
    const tests = compareTestData(base?.data.tests ?? [], run.data.tests, ctx.related);
    findings.tests = tests.finding;
    blocking += tests.blocking;
  }
  if (run.data.warnings !== undefined) {
    let policy = spec.policy ?? "no_new";
    if (ctx.zeroWarnings === true && policy === "no_new") policy = "zero_in_touched";
    const cmp = compareWarnings(
      base?.data.warnings ?? [],
      run.data.warnings,
      POLICY[policy],
      ctx.touchedFiles,
    );
    const fresh = new Set(cmp.newWarnings);
    const listed: GateWarningFinding[] = cmp.blocking.slice(0, MAX_LISTED).map((w) => ({
      tool: w.tool,
      rule: w.rule,
      file: w.file,
      line: w.line,
      message: w.message,
      isNew: fresh.has(w),
    }));
    findings.warnings = {
      policy,
      blocking: listed,
      newCount: cmp.newWarnings.length,
      total: run.data.warnings.length,
    };
    blocking += cmp.blocking.length;
  }
  if (run.data.coverage !== undefined) {
    findings.coverage = compareCoverageData(spec, base?.data.coverage, run.data.coverage, ctx);
    blocking += findings.coverage.problems.length;
  }

  const exit = run.exitCode;
  if (!run.timedOut && exit !== 0 && !explainsFailure(run.data) && errors.length === 0) {
    const baseFailed = base !== undefined && base.exitCode !== 0;
    if (!baseFailed) {
      errors.push(
        exit === null
          ? "the command was killed and its reports show no failure"
          : `exit code ${exit}, but the reports show no failure (the base commit's run exited 0)`,
      );
      blocking += 1;
    }
  }
  if (run.timedOut) blocking += 1;
  return { passed: blocking === 0, findings };
}
