import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  changedLinesFromDiff,
  compareCoverage,
  parseCobertura,
  parseIstanbulSummary,
  parseLcov,
  patchCoverage,
  totalCoverage,
} from "./index.js";
import type { CoverageReport } from "./index.js";

/** Reports produced by real vitest + coverage-v8 runs (see the README beside them). */
function fixture(name: string): string {
  return readFileSync(
    new URL(`../../../test/fixtures/gate/coverage/${name}`, import.meta.url),
    "utf8",
  );
}

const ROOT = "/work/main/.cache/covsample";

function summary(r: CoverageReport): Record<string, [number, number]> {
  return Object.fromEntries(r.files.map((f) => [f.path, [f.lines.found, f.lines.hit]]));
}

describe.each(["baseline", "current"])("real %s reports", (run) => {
  const lcov = parseLcov(fixture(`${run}/lcov.info`), { root: ROOT });
  const istanbul = parseIstanbulSummary(fixture(`${run}/coverage-summary.json`), { root: ROOT });
  const cobertura = parseCobertura(fixture(`${run}/cobertura-coverage.xml`), { root: ROOT });

  it("agree across the three formats", () => {
    expect(summary(istanbul)).toEqual(summary(lcov));
    expect(summary(cobertura)).toEqual(summary(lcov));
    expect(totalCoverage(istanbul)).toBeCloseTo(totalCoverage(lcov), 9);
    expect(totalCoverage(cobertura)).toBeCloseTo(totalCoverage(lcov), 9);
    expect(Object.keys(summary(lcov))).toEqual(["src/math.ts", "src/util.ts"]);
  });

  it("lcov and Cobertura carry the same per-line hits", () => {
    for (const f of lcov.files) {
      const other = cobertura.files.find((c) => c.path === f.path);
      expect(other?.lineHits).toEqual(f.lineHits);
    }
    expect(istanbul.files.every((f) => f.lineHits === null)).toBe(true);
  });
});

describe("real reports", () => {
  it("read the baseline's figures", () => {
    const lcov = parseLcov(fixture("baseline/lcov.info"), { root: ROOT });
    expect(totalCoverage(lcov)).toBe(60);
    const math = lcov.files[0];
    expect(math?.branches).toEqual({ found: 4, hit: 3 });
    expect(math?.functions).toEqual({ found: 3, hit: 2 });
    expect([...(math?.lineHits ?? new Map<number, number>())]).toEqual([
      [2, 1],
      [6, 2],
      [7, 1],
      [8, 1],
      [9, 0],
      [11, 1],
      [15, 0],
      [16, 0],
    ]);
    const istanbul = parseIstanbulSummary(fixture("baseline/coverage-summary.json"), {
      root: ROOT,
    });
    expect(istanbul.files[0]?.statements).toEqual({ found: 8, hit: 5 });
    expect(istanbul.files[1]?.branches).toEqual({ found: 0, hit: 0 });
  });

  it("Cobertura ignores the method-level lines (function declarations)", () => {
    const cob = parseCobertura(fixture("baseline/cobertura-coverage.xml"), { root: ROOT });
    expect(cob.files[0]?.lineHits?.has(1)).toBe(false);
    expect(cob.files[0]?.lineHits?.has(14)).toBe(false);
  });

  it.each([
    ["lcov.info", parseLcov],
    ["coverage-summary.json", parseIstanbulSummary],
    ["cobertura-coverage.xml", parseCobertura],
  ] as const)("the drop from baseline to current is seen in %s", (name, parse) => {
    const before = parse(fixture(`baseline/${name}`), { root: ROOT });
    const after = parse(fixture(`current/${name}`), { root: ROOT });
    const blocked = compareCoverage(before, after, 1);
    expect(blocked).toMatchObject({ baselinePct: 60, currentPct: 30, ok: false });
    expect(blocked.dropPct).toBeCloseTo(30, 9);
    expect(blocked.worstFiles.map((f) => f.file)).toEqual(["src/util.ts", "src/math.ts"]);
    expect(blocked.worstFiles[0]).toMatchObject({
      baselinePct: 50,
      currentPct: 0,
      dropPct: 50,
      newlyUncoveredLines: 1,
    });
    expect(compareCoverage(before, after, 30).ok).toBe(true);
    expect(compareCoverage(before, before, 0).ok).toBe(true);
  });

  it("patch coverage over the current run", () => {
    const current = parseLcov(fixture("current/lcov.info"), { root: ROOT });
    const changed = new Map([
      ["src/math.ts", new Set([1, 2, 3, 8, 9])],
      ["src/util.ts", new Set([6])],
      ["README.md", new Set([1])],
    ]);
    expect(patchCoverage(current, changed)).toEqual({
      covered: 1,
      total: 4,
      pct: 25,
      uncovered: [
        { file: "src/math.ts", lines: [8, 9] },
        { file: "src/util.ts", lines: [6] },
      ],
      withoutLineData: [],
      notInReport: ["README.md"],
    });
  });
});

describe("real git diff -U0", () => {
  it("maps new, modified, renamed and no-newline files; skips deletions", () => {
    const changed = changedLinesFromDiff(fixture("changes.diff"));
    expect(
      Object.fromEntries([...changed].map(([f, s]) => [f, [...s].sort((a, b) => a - b)])),
    ).toEqual({
      "src/added.ts": [1, 2, 3],
      "src/keep.ts": [2, 4, 5],
      "src/new-name.ts": [3],
      "src/nonl.ts": [1, 2],
    });
  });
});
