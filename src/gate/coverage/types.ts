/** A found/hit pair: how many items were instrumented and how many of them ran. */
export interface Counter {
  readonly found: number;
  readonly hit: number;
}

/** Coverage of one source file, its path normalised (see {@link normaliseCoveragePath}). */
export interface FileCoverage {
  readonly path: string;
  /** Hits per instrumented line (1-based); `null` when the format gives totals only. */
  readonly lineHits: ReadonlyMap<number, number> | null;
  readonly lines: Counter;
  readonly branches?: Counter;
  readonly functions?: Counter;
  readonly statements?: Counter;
}

export type CoverageFormat = "lcov" | "istanbul-summary" | "cobertura";

export interface CoverageReport {
  readonly format: CoverageFormat;
  /** One entry per file, sorted by path; duplicate records of a file are merged. */
  readonly files: readonly FileCoverage[];
}

export interface ParseOptions {
  /** Absolute paths under this directory are made relative to it. */
  readonly root?: string;
}

/** Thrown when a report is not in the expected format. */
export class CoverageParseError extends Error {
  override readonly name = "CoverageParseError";
}
