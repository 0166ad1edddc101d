import type { Counter, CoverageReport, FileCoverage } from "./types.js";

/** Tolerance for float noise when comparing percentages. */
const EPSILON = 1e-9;

/** Percentage of hit items; 100 when nothing is instrumented (nothing to miss). */
export function percent(c: Counter): number {
  return c.found === 0 ? 100 : (c.hit / c.found) * 100;
}

/** Line counts summed over the report's files. */
export function totalLines(report: CoverageReport): Counter {
  let found = 0;
  let hit = 0;
  for (const f of report.files) {
    found += f.lines.found;
    hit += f.lines.hit;
  }
  return { found, hit };
}

/** Total line coverage of a report, in percent (100 for an empty report). */
export function totalCoverage(report: CoverageReport): number {
  return percent(totalLines(report));
}

export interface FileDrop {
  readonly file: string;
  /** `null` for a file that is new in the current report. */
  readonly baselinePct: number | null;
  readonly currentPct: number;
  /** Percentage points lost (0 for a new file). */
  readonly dropPct: number;
  /** Uncovered lines now minus uncovered lines at baseline (what pulls the total down). */
  readonly newlyUncoveredLines: number;
}

export interface CoverageComparison {
  readonly baselinePct: number;
  readonly currentPct: number;
  /** baselinePct − currentPct; negative when coverage rose. */
  readonly dropPct: number;
  /** The drop is within the tolerance. */
  readonly ok: boolean;
  /** Files that lost coverage or added uncovered lines, worst first. */
  readonly worstFiles: readonly FileDrop[];
}

export interface CompareOptions {
  /** Most files listed in `worstFiles` (default 10). */
  readonly maxFiles?: number;
}

function uncovered(f: FileCoverage): number {
  return f.lines.found - f.lines.hit;
}

/**
 * Compares total line coverage with a baseline: `ok` when it fell by at most `tolerancePct`
 * percentage points. Files removed since the baseline are not listed.
 */
export function compareCoverage(
  baseline: CoverageReport,
  current: CoverageReport,
  tolerancePct: number,
  options: CompareOptions = {},
): CoverageComparison {
  const baselinePct = totalCoverage(baseline);
  const currentPct = totalCoverage(current);
  const dropPct = baselinePct - currentPct;
  const before = new Map(baseline.files.map((f) => [f.path, f]));
  const drops: FileDrop[] = [];
  for (const f of current.files) {
    const old = before.get(f.path);
    const cur = percent(f.lines);
    const base = old === undefined ? null : percent(old.lines);
    const drop = base === null ? 0 : base - cur;
    const newlyUncoveredLines = uncovered(f) - (old === undefined ? 0 : uncovered(old));
    if (drop > EPSILON || newlyUncoveredLines > 0) {
      drops.push({
        file: f.path,
        baselinePct: base,
        currentPct: cur,
        dropPct: drop,
        newlyUncoveredLines,
      });
    }
  }
  drops.sort(
    (a, b) =>
      b.dropPct - a.dropPct ||
      b.newlyUncoveredLines - a.newlyUncoveredLines ||
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0),
  );
  return {
    baselinePct,
    currentPct,
    dropPct,
    ok: dropPct <= tolerancePct + EPSILON,
    worstFiles: drops.slice(0, options.maxFiles ?? 10),
  };
}
