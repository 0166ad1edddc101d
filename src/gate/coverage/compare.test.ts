import { describe, expect, it } from "vitest";
import {
  changedLinesFromDiff,
  compareCoverage,
  parseIstanbulSummary,
  parseLcov,
  patchCoverage,
  percent,
  totalCoverage,
} from "./index.js";

describe("totalCoverage / compareCoverage", () => {
  const base = parseLcov(
    "SF:a.ts\nDA:1,1\nDA:2,1\nDA:3,1\nDA:4,0\nend_of_record\nSF:b.ts\nDA:1,1\nDA:2,1\nend_of_record\nSF:gone.ts\nDA:1,0\nend_of_record\n",
  );

  it("computes line percentages", () => {
    expect(totalCoverage(base)).toBeCloseTo((5 / 7) * 100, 9);
    expect(percent({ found: 0, hit: 0 })).toBe(100);
  });

  it("lists files that lost coverage or added uncovered lines, worst first", () => {
    const current = parseLcov(
      "SF:a.ts\nDA:1,1\nDA:2,0\nDA:3,0\nDA:4,0\nend_of_record\nSF:b.ts\nDA:1,1\nDA:2,1\nDA:3,1\nDA:4,0\nend_of_record\nSF:new.ts\nDA:1,0\nDA:2,1\nend_of_record\n",
    );
    const result = compareCoverage(base, current, 5);
    expect(result.baselinePct).toBeCloseTo(71.43, 2);
    expect(result.currentPct).toBe(50);
    expect(result.dropPct).toBeCloseTo(21.43, 2);
    expect(result.ok).toBe(false);
    expect(result.worstFiles).toEqual([
      { file: "a.ts", baselinePct: 75, currentPct: 25, dropPct: 50, newlyUncoveredLines: 2 },
      { file: "b.ts", baselinePct: 100, currentPct: 75, dropPct: 25, newlyUncoveredLines: 1 },
      { file: "new.ts", baselinePct: null, currentPct: 50, dropPct: 0, newlyUncoveredLines: 1 },
    ]);
    expect(compareCoverage(base, current, 5, { maxFiles: 1 }).worstFiles).toHaveLength(1);
    expect(compareCoverage(base, current, 22).ok).toBe(true);
  });

  it("a rise is ok and lists nothing; a drop equal to the tolerance is ok", () => {
    const better = parseLcov("SF:a.ts\nDA:1,1\nend_of_record\n");
    expect(compareCoverage(base, better, 0)).toMatchObject({ ok: true, worstFiles: [] });
    expect(compareCoverage(base, better, 0).dropPct).toBeLessThan(0);
    const half = parseLcov("SF:a.ts\nDA:1,1\nDA:2,0\nend_of_record\n");
    const third = parseLcov("SF:a.ts\nDA:1,1\nDA:2,0\nDA:3,0\nend_of_record\n");
    // 50 − 33.33… = 16.66…, with float noise.
    expect(compareCoverage(half, third, 50 - 100 / 3).ok).toBe(true);
  });

  it("works on summary reports too", () => {
    const m = (total: number, covered: number): object => ({ total, covered, pct: 0 });
    const before = parseIstanbulSummary({ total: { lines: m(4, 4) }, "a.ts": { lines: m(4, 4) } });
    const after = parseIstanbulSummary({ total: { lines: m(4, 3) }, "a.ts": { lines: m(4, 3) } });
    expect(compareCoverage(before, after, 1)).toMatchObject({
      baselinePct: 100,
      currentPct: 75,
      ok: false,
      worstFiles: [{ file: "a.ts", dropPct: 25 }],
    });
  });
});

describe("patchCoverage", () => {
  const report = parseLcov(
    "SF:/r/a.ts\nDA:2,1\nDA:3,0\nDA:5,0\nend_of_record\nSF:/r/b.ts\nDA:1,4\nend_of_record\n",
    { root: "/r" },
  );

  it("counts only instrumented changed lines", () => {
    const changed = new Map([
      ["a.ts", new Set([5, 1, 2, 3, 4])],
      ["b.ts", new Set([1, 2])],
      ["docs/x.md", new Set([1])],
      ["empty.ts", new Set<number>()],
    ]);
    expect(patchCoverage(report, changed)).toEqual({
      covered: 2,
      total: 4,
      pct: 50,
      uncovered: [{ file: "a.ts", lines: [3, 5] }],
      withoutLineData: [],
      notInReport: ["docs/x.md"],
    });
  });

  it("is 100 % when no changed line is instrumented", () => {
    expect(patchCoverage(report, new Map([["a.ts", new Set([1, 4])]]))).toMatchObject({
      covered: 0,
      total: 0,
      pct: 100,
      uncovered: [],
    });
  });

  it("flags files the report has totals for only", () => {
    const summary = parseIstanbulSummary({ "a.ts": { lines: { total: 3, covered: 1 } } });
    expect(patchCoverage(summary, new Map([["a.ts", new Set([1])]]))).toMatchObject({
      total: 0,
      withoutLineData: ["a.ts"],
    });
  });

  it("composes with a diff", () => {
    const diff = [
      "diff --git a/a.ts b/a.ts",
      "--- a/a.ts",
      "+++ b/a.ts",
      "@@ -2,0 +3 @@",
      "+x",
      "@@ -4 +5 @@",
      "-y",
      "+z",
    ].join("\n");
    expect(patchCoverage(report, changedLinesFromDiff(diff))).toMatchObject({
      covered: 0,
      total: 2,
      pct: 0,
      uncovered: [{ file: "a.ts", lines: [3, 5] }],
    });
  });
});
