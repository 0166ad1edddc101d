import { describe, expect, it } from "vitest";
import type { CheckSpec } from "../core/project-config.js";
import { compareCheck, type CheckRunData } from "./compare-check.js";
import { parseLcov } from "./coverage/index.js";
import { formatFindings, lineRanges } from "./findings-text.js";
import { makeWarning } from "./reports/index.js";

const spec: CheckSpec = { name: "c", command: "x", timeoutMs: 1000, kind: "custom", env: {} };
const warning = (file: string, line: number, message: string) =>
  makeWarning({ tool: "eslint", rule: "no-unused-vars", file, line, message });
const run = (data: CheckRunData["data"], exitCode = 0): CheckRunData => ({
  exitCode,
  timedOut: false,
  data,
});
const ctx = { related: false, touchedFiles: ["src/b.ts"] };

describe("compareCheck", () => {
  it("applies the warning policies", () => {
    const old = warning("src/b.ts", 1, "'x' is unused");
    const baseline = run({ warnings: [old], errors: [] });
    const now = run({ warnings: [{ ...old, line: 5 }], errors: [] }, 1);
    expect(compareCheck(spec, now, { ...ctx, baseline }).passed).toBe(true);
    const touched = compareCheck({ ...spec, policy: "zero_in_touched" }, now, { ...ctx, baseline });
    expect(touched.passed).toBe(false);
    expect(touched.findings.warnings?.blocking[0]).toMatchObject({ line: 5, isNew: false });
    // ZERO-WARNINGS raises no_new to zero_in_touched.
    expect(compareCheck(spec, now, { ...ctx, baseline, zeroWarnings: true }).passed).toBe(false);
    expect(
      compareCheck({ ...spec, policy: "zero" }, now, { ...ctx, baseline, touchedFiles: [] }).passed,
    ).toBe(false);
  });

  it("does not compare the coverage total of a related run", () => {
    const baseline = run({
      coverage: parseLcov("SF:a.js\nDA:1,1\nDA:2,1\nend_of_record\n"),
      errors: [],
    });
    const now = run({
      coverage: parseLcov("SF:a.js\nDA:1,1\nDA:2,0\nend_of_record\n"),
      errors: [],
    });
    expect(compareCheck(spec, now, { ...ctx, baseline }).passed).toBe(false);
    expect(compareCheck(spec, now, { ...ctx, baseline, related: true }).passed).toBe(true);
    const tolerant = compareCheck({ ...spec, tolerancePct: 60 }, now, { ...ctx, baseline });
    expect(tolerant.passed).toBe(true);
  });

  it("lets a non-zero exit pass when the base exited non-zero too, and counts a timeout", () => {
    const empty = run({ tests: [], errors: [] }, 2);
    expect(
      compareCheck(spec, empty, { ...ctx, baseline: run({ tests: [], errors: [] }, 2) }).passed,
    ).toBe(true);
    expect(
      compareCheck(spec, empty, { ...ctx, baseline: run({ tests: [], errors: [] }) }).passed,
    ).toBe(false);
    const timedOut: CheckRunData = { exitCode: null, timedOut: true, data: { errors: [] } };
    expect(compareCheck(spec, timedOut, ctx).passed).toBe(false);
  });

  it("formats findings briefly", () => {
    expect(lineRanges([3, 4, 5, 9, 11, 12])).toBe("3-5,9,11-12");
    const verdict = compareCheck(
      spec,
      run(
        {
          tests: [{ suite: "s", name: "t", status: "failed", message: "boom", location: "a.ts:3" }],
          errors: [],
        },
        1,
      ),
      ctx,
    );
    expect(formatFindings(verdict.findings)).toBe("- FAILING s > t (failed) at a.ts:3: boom");
  });
});
