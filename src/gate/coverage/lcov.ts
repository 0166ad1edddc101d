import { buildReport, countLines, withOptional } from "./merge.js";
import { normaliseCoveragePath } from "./paths.js";
import { CoverageParseError } from "./types.js";
import type { Counter, CoverageReport, FileCoverage, ParseOptions } from "./types.js";

interface Record {
  readonly path: string;
  readonly lineHits: Map<number, number>;
  linesFound?: number;
  linesHit?: number;
  readonly branchHits: Map<string, number>;
  branchesFound?: number;
  branchesHit?: number;
  functionsFound?: number;
  functionsHit?: number;
}

function nonNegativeInt(text: string | undefined, lineNo: number, what: string): number {
  const t = (text ?? "").trim();
  if (!/^\d+$/.test(t)) {
    throw new CoverageParseError(`lcov line ${lineNo}: bad ${what} ${JSON.stringify(text ?? "")}`);
  }
  return Number(t);
}

/** lcov hit counts may be written as floats by some tools (`DA:3,1.0`). */
function hitCount(text: string | undefined, lineNo: number): number {
  const t = (text ?? "").trim();
  if (!/^\d+(?:\.\d+)?(?:e\+?\d+)?$/i.test(t)) {
    throw new CoverageParseError(`lcov line ${lineNo}: bad hit count ${JSON.stringify(t)}`);
  }
  return Number(t);
}

function counter(found: number | undefined, hit: number | undefined): Counter | undefined {
  return found === undefined ? undefined : { found, hit: Math.min(hit ?? 0, found) };
}

function finish(r: Record): FileCoverage {
  // Per-line data is the source of truth when present; LF/LH only when there is none.
  const lines: Counter =
    r.lineHits.size > 0 || r.linesFound === undefined
      ? countLines(r.lineHits)
      : { found: r.linesFound, hit: Math.min(r.linesHit ?? 0, r.linesFound) };
  let branches: Counter | undefined;
  if (r.branchHits.size > 0) {
    let hit = 0;
    for (const taken of r.branchHits.values()) if (taken > 0) hit++;
    branches = { found: r.branchHits.size, hit };
  } else {
    branches = counter(r.branchesFound, r.branchesHit);
  }
  return withOptional(
    {
      path: r.path,
      lineHits: r.lineHits.size > 0 || r.linesFound === undefined ? r.lineHits : null,
      lines,
    },
    { branches, functions: counter(r.functionsFound, r.functionsHit) },
  );
}

/**
 * Parses an lcov tracefile (`SF:`, `DA:line,hits`, `LF`/`LH`, `BRDA`/`BRF`/`BRH`, `FNF`/`FNH`,
 * `end_of_record`). Records of the same file are merged by summing hits. A record with `LF`/`LH`
 * but no `DA` lines keeps its totals and has no per-line data.
 */
export function parseLcov(text: string, options: ParseOptions = {}): CoverageReport {
  const files: FileCoverage[] = [];
  let current: Record | undefined;
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const lineNo = index + 1;
    const line = raw.trim();
    if (line === "") return;
    if (line === "end_of_record") {
      if (current !== undefined) files.push(finish(current));
      current = undefined;
      return;
    }
    const colon = line.indexOf(":");
    const key = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? "" : line.slice(colon + 1);
    if (key === "SF") {
      if (current !== undefined) files.push(finish(current));
      current = {
        path: normaliseCoveragePath(value, options.root),
        lineHits: new Map(),
        branchHits: new Map(),
      };
      return;
    }
    if (key === "TN" || key === "VER") return;
    if (current === undefined) {
      if (["DA", "LF", "LH", "BRDA", "BRF", "BRH", "FNF", "FNH"].includes(key)) {
        throw new CoverageParseError(`lcov line ${lineNo}: ${key} outside a record (no SF)`);
      }
      return;
    }
    const parts = value.split(",");
    switch (key) {
      case "DA": {
        const n = nonNegativeInt(parts[0], lineNo, "line number");
        const hits = hitCount(parts[1], lineNo);
        current.lineHits.set(n, (current.lineHits.get(n) ?? 0) + hits);
        break;
      }
      case "LF":
        current.linesFound = nonNegativeInt(value, lineNo, "LF");
        break;
      case "LH":
        current.linesHit = nonNegativeInt(value, lineNo, "LH");
        break;
      case "BRDA": {
        if (parts.length < 4) throw new CoverageParseError(`lcov line ${lineNo}: bad BRDA`);
        const taken = parts[parts.length - 1]?.trim() ?? "-";
        const id = parts.slice(0, parts.length - 1).join(",");
        const count = taken === "-" ? 0 : hitCount(taken, lineNo);
        current.branchHits.set(id, (current.branchHits.get(id) ?? 0) + count);
        break;
      }
      case "BRF":
        current.branchesFound = nonNegativeInt(value, lineNo, "BRF");
        break;
      case "BRH":
        current.branchesHit = nonNegativeInt(value, lineNo, "BRH");
        break;
      case "FNF":
        current.functionsFound = nonNegativeInt(value, lineNo, "FNF");
        break;
      case "FNH":
        current.functionsHit = nonNegativeInt(value, lineNo, "FNH");
        break;
      default:
        // FN, FNDA, FNL, FNA and unknown keys carry nothing the gate needs.
        break;
    }
  });
  if (current !== undefined) files.push(finish(current));
  return buildReport("lcov", files);
}
