import { z } from "zod";
import { buildReport, withOptional } from "./merge.js";
import { normaliseCoveragePath } from "./paths.js";
import { CoverageParseError } from "./types.js";
import type { Counter, CoverageReport, FileCoverage, ParseOptions } from "./types.js";

const Metric = z.object({
  total: z.number().int().nonnegative(),
  covered: z.number().int().nonnegative(),
  skipped: z.number().optional(),
  // "Unknown" when total is 0 in some Istanbul versions.
  pct: z.union([z.number(), z.string()]).optional(),
});

const FileSummary = z.object({
  lines: Metric,
  statements: Metric.optional(),
  branches: Metric.optional(),
  functions: Metric.optional(),
});

const Summary = z.record(z.string(), FileSummary);

function counter(m: z.infer<typeof Metric> | undefined): Counter | undefined {
  return m === undefined ? undefined : { found: m.total, hit: Math.min(m.covered, m.total) };
}

/**
 * Parses Istanbul's `coverage-summary.json` (the `json-summary` reporter of nyc, c8, jest and
 * vitest): per-file totals only, so files have no per-line data. The `total` entry is not a
 * file; totals are recomputed from the files. Accepts the JSON text or the parsed value.
 */
export function parseIstanbulSummary(json: unknown, options: ParseOptions = {}): CoverageReport {
  let value: unknown = json;
  if (typeof json === "string") {
    try {
      value = JSON.parse(json);
    } catch (err) {
      throw new CoverageParseError(`coverage summary is not JSON: ${String(err)}`);
    }
  }
  const parsed = Summary.safeParse(value);
  if (!parsed.success) {
    throw new CoverageParseError(
      `not an Istanbul coverage summary: ${z.prettifyError(parsed.error)}`,
    );
  }
  const files: FileCoverage[] = [];
  for (const [key, entry] of Object.entries(parsed.data)) {
    if (key === "total") continue;
    files.push(
      withOptional(
        {
          path: normaliseCoveragePath(key, options.root),
          lineHits: null,
          lines: {
            found: entry.lines.total,
            hit: Math.min(entry.lines.covered, entry.lines.total),
          },
        },
        {
          branches: counter(entry.branches),
          functions: counter(entry.functions),
          statements: counter(entry.statements),
        },
      ),
    );
  }
  return buildReport("istanbul-summary", files);
}
