import type { Counter, CoverageFormat, CoverageReport, FileCoverage } from "./types.js";

function addCounters(a: Counter | undefined, b: Counter | undefined): Counter | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return { found: a.found + b.found, hit: a.hit + b.hit };
}

/** Line counter derived from per-line hits. */
export function countLines(lineHits: ReadonlyMap<number, number>): Counter {
  let hit = 0;
  for (const h of lineHits.values()) if (h > 0) hit++;
  return { found: lineHits.size, hit };
}

/**
 * Merges two records of the same file: line hits are summed (as `lcov -a` does), totals of
 * formats without line data are added.
 */
export function mergeFile(a: FileCoverage, b: FileCoverage): FileCoverage {
  let lineHits: Map<number, number> | null = null;
  let lines: Counter;
  if (a.lineHits !== null && b.lineHits !== null) {
    lineHits = new Map(a.lineHits);
    for (const [line, hits] of b.lineHits) lineHits.set(line, (lineHits.get(line) ?? 0) + hits);
    lines = countLines(lineHits);
  } else {
    lines = { found: a.lines.found + b.lines.found, hit: a.lines.hit + b.lines.hit };
  }
  return withOptional(
    { path: a.path, lineHits, lines },
    {
      branches: addCounters(a.branches, b.branches),
      functions: addCounters(a.functions, b.functions),
      statements: addCounters(a.statements, b.statements),
    },
  );
}

/** Adds the optional counters that are defined (exactOptionalPropertyTypes forbids `undefined`). */
export function withOptional(
  base: FileCoverage,
  extra: {
    branches?: Counter | undefined;
    functions?: Counter | undefined;
    statements?: Counter | undefined;
  },
): FileCoverage {
  let out: FileCoverage = base;
  if (extra.branches !== undefined) out = { ...out, branches: extra.branches };
  if (extra.functions !== undefined) out = { ...out, functions: extra.functions };
  if (extra.statements !== undefined) out = { ...out, statements: extra.statements };
  return out;
}

/** Builds a report: merges duplicate paths and sorts files by path. */
export function buildReport(format: CoverageFormat, files: Iterable<FileCoverage>): CoverageReport {
  const byPath = new Map<string, FileCoverage>();
  for (const f of files) {
    const prev = byPath.get(f.path);
    byPath.set(f.path, prev === undefined ? f : mergeFile(prev, f));
  }
  const sorted = [...byPath.values()].sort((x, y) =>
    x.path < y.path ? -1 : x.path > y.path ? 1 : 0,
  );
  return { format, files: sorted };
}
