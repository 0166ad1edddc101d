import { percent } from "./compare.js";
import type { CoverageReport } from "./types.js";

/** Changed lines per file (repository-relative path → 1-based line numbers in the new file). */
export type ChangedLines = ReadonlyMap<string, ReadonlySet<number>>;

export interface PatchCoverage {
  /** Changed, instrumented lines that ran. */
  readonly covered: number;
  /** Changed, instrumented lines. */
  readonly total: number;
  /** covered / total in percent; 100 when no changed line is instrumented. */
  readonly pct: number;
  /** Changed, instrumented lines that never ran, per file, sorted. */
  readonly uncovered: readonly { readonly file: string; readonly lines: readonly number[] }[];
  /** Changed files the report has only totals for (e.g. coverage-summary.json): not counted. */
  readonly withoutLineData: readonly string[];
  /** Changed files absent from the report (not instrumented, or excluded from coverage). */
  readonly notInReport: readonly string[];
}

/**
 * Coverage of the changed lines: only lines the report instruments count, so comments, blank
 * lines, type-only code and files outside coverage do not dilute or inflate the figure. The
 * report's paths and the diff's paths must be relative to the same root.
 */
export function patchCoverage(report: CoverageReport, changedLines: ChangedLines): PatchCoverage {
  const byPath = new Map(report.files.map((f) => [f.path, f]));
  let covered = 0;
  let total = 0;
  const uncovered: { file: string; lines: number[] }[] = [];
  const withoutLineData: string[] = [];
  const notInReport: string[] = [];
  for (const file of [...changedLines.keys()].sort()) {
    const lines = changedLines.get(file);
    const entry = byPath.get(file);
    if (lines === undefined || lines.size === 0) continue;
    if (entry === undefined) {
      notInReport.push(file);
      continue;
    }
    if (entry.lineHits === null) {
      withoutLineData.push(file);
      continue;
    }
    const missed: number[] = [];
    for (const line of lines) {
      const hits = entry.lineHits.get(line);
      if (hits === undefined) continue;
      total++;
      if (hits > 0) covered++;
      else missed.push(line);
    }
    if (missed.length > 0) uncovered.push({ file, lines: missed.sort((a, b) => a - b) });
  }
  return {
    covered,
    total,
    pct: percent({ found: total, hit: covered }),
    uncovered,
    withoutLineData,
    notInReport,
  };
}
