import type { ProcessRunner } from "../core/ports.js";
import type { QualityConfig } from "../core/project-config.js";
import { percent } from "../gate/coverage/index.js";
import type { CheckRunData } from "../gate/index.js";
import { ensureBaseline, workingTreeGateLogDir } from "../gate/index.js";
import { prewarmChecks } from "../gate/baseline.js";
import type { CoverageFinding, FailingTestFinding, Finding, WarningsFinding } from "./findings.js";

/** The coverage target when no task names one (`NN%+ test coverage`). */
export const DEFAULT_COVERAGE_TARGET = 80;

/** What the gate's baseline of HEAD says is wrong: failing tests, warnings, low coverage. */
export interface BaselineFindings {
  readonly sha: string;
  /** The checks the baseline holds (those with `reports:`). */
  readonly checks: readonly string[];
  readonly findings: Finding[];
}

function failingTests(check: string, run: CheckRunData): FailingTestFinding[] {
  return (run.data.tests ?? [])
    .filter((t) => t.status === "failed" || t.status === "error")
    .map((t) => ({
      kind: "failing-test",
      check,
      test: t.suite === "" || t.name.startsWith(t.suite) ? t.name : `${t.suite} > ${t.name}`,
      file: t.file,
      message: t.message,
    }));
}

function warningsByFile(check: string, run: CheckRunData): WarningsFinding[] {
  const byFile = new Map<string, NonNullable<CheckRunData["data"]["warnings"]>>();
  for (const w of run.data.warnings ?? []) {
    const list = byFile.get(w.file) ?? [];
    list.push(w);
    byFile.set(w.file, list);
  }
  return [...byFile].map(([file, list]) => {
    const first = list[0];
    return {
      kind: "warnings",
      check,
      file,
      count: list.length,
      rules: [...new Set(list.map((w) => w.rule).filter((r) => r !== ""))].sort(),
      first: first === undefined ? "" : `${first.line}: ${first.rule} ${first.message}`.trim(),
    };
  });
}

function lowCoverage(check: string, run: CheckRunData, target: number): CoverageFinding[] {
  return (run.data.coverage?.files ?? [])
    .filter((f) => f.lines.found > 0 && percent(f.lines) < target)
    .map((f) => ({ kind: "low-coverage", check, file: f.path, percent: percent(f.lines), target }));
}

/**
 * Findings from the checks' parsed reports on HEAD: each failing test, the warnings of each
 * file, and each file under `coverageTarget` percent of lines covered. Worst first within a kind.
 */
export function findingsFromRuns(
  runs: ReadonlyMap<string, CheckRunData>,
  coverageTarget: number,
): Finding[] {
  const tests: Finding[] = [];
  const warnings: WarningsFinding[] = [];
  const coverage: CoverageFinding[] = [];
  for (const [check, run] of runs) {
    tests.push(...failingTests(check, run));
    warnings.push(...warningsByFile(check, run));
    coverage.push(...lowCoverage(check, run, coverageTarget));
  }
  warnings.sort((a, b) => b.count - a.count || a.file.localeCompare(b.file));
  coverage.sort((a, b) => a.percent - b.percent || a.file.localeCompare(b.file));
  return [...tests, ...warnings, ...coverage];
}

/** Options of {@link baselineFindings}. */
export interface BaselineFindingsOptions {
  readonly runner: ProcessRunner;
  readonly repoRoot: string;
  readonly sha: string;
  readonly quality: QualityConfig;
  readonly coverageTarget: number;
  readonly env?: Readonly<Record<string, string>> | undefined;
  readonly signal?: AbortSignal | undefined;
}

/**
 * The gate's baseline of `sha` (read from the cache, or run in a detached worktree as the gate
 * does before comparing a change) turned into findings.
 */
export async function baselineFindings(
  options: BaselineFindingsOptions,
): Promise<BaselineFindings> {
  const checks = prewarmChecks(options.quality);
  if (checks.length === 0) return { sha: options.sha, checks: [], findings: [] };
  const baseline = await ensureBaseline({
    runner: options.runner,
    mainRoot: options.repoRoot,
    sha: options.sha,
    quality: options.quality,
    checks,
    logDir: workingTreeGateLogDir(options.repoRoot),
    signal: options.signal,
    env: options.env,
  });
  return {
    sha: options.sha,
    checks: [...baseline.runs.keys()],
    findings: findingsFromRuns(baseline.runs, options.coverageTarget),
  };
}
