export { parseCobertura } from "./cobertura.js";
export { compareCoverage, percent, totalCoverage, totalLines } from "./compare.js";
export type { CompareOptions, CoverageComparison, FileDrop } from "./compare.js";
export { changedLinesFromDiff } from "./diff.js";
export { parseIstanbulSummary } from "./istanbul.js";
export { parseLcov } from "./lcov.js";
export { normaliseCoveragePath } from "./paths.js";
export { patchCoverage } from "./patch.js";
export type { ChangedLines, PatchCoverage } from "./patch.js";
export { CoverageParseError } from "./types.js";
export type {
  Counter,
  CoverageFormat,
  CoverageReport,
  FileCoverage,
  ParseOptions,
} from "./types.js";
