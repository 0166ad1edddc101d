import { describe, expect, it } from "vitest";
import { compareWarnings } from "./compare-warnings.js";
import { makeWarning, parseEslintJson, type Warning } from "./warnings.js";
import { fixture } from "../../../test/support/report-fixtures.js";

function w(file: string, line: number, message: string, rule = "r"): Warning {
  return makeWarning({ tool: "lint", rule, file, line, message });
}

const at = (ws: readonly Warning[]) => ws.map((x) => `${x.file}:${x.line} ${x.message}`);

describe("compareWarnings", () => {
  const baseline = [w("a.ts", 10, "old one"), w("b.ts", 3, "old in b")];

  it("does not report a warning whose line moved", () => {
    const current = [w("a.ts", 14, "old one"), w("b.ts", 3, "old in b")];
    expect(compareWarnings(baseline, current, "no-new")).toEqual({
      newWarnings: [],
      fixed: [],
      blocking: [],
    });
  });

  it("reports a new warning, and a fixed one", () => {
    const current = [w("a.ts", 10, "old one"), w("a.ts", 20, "brand new")];
    const result = compareWarnings(baseline, current, "no-new");
    expect(at(result.newWarnings)).toEqual(["a.ts:20 brand new"]);
    expect(at(result.fixed)).toEqual(["b.ts:3 old in b"]);
    expect(result.blocking).toEqual(result.newWarnings);
  });

  it("counts duplicates: one more copy in a file is one new warning, on the unmatched line", () => {
    const current = [w("a.ts", 5, "old one"), w("a.ts", 11, "old one"), w("b.ts", 3, "old in b")];
    const result = compareWarnings(
      [w("a.ts", 11, "old one"), baseline[1] ?? w("", 0, "")],
      current,
      "no-new",
    );
    expect(at(result.newWarnings)).toEqual(["a.ts:5 old one"]);
    const fewer = compareWarnings(current, [w("a.ts", 7, "old one")], "no-new");
    expect(fewer.newWarnings).toEqual([]);
    expect(fewer.fixed).toHaveLength(2);
  });

  it("zero-in-touched blocks old warnings in touched files and new ones anywhere", () => {
    const current = [...baseline, w("c.ts", 1, "new in untouched")];
    const result = compareWarnings(baseline, current, "zero-in-touched", ["./b.ts"]);
    expect(at(result.blocking)).toEqual(["b.ts:3 old in b", "c.ts:1 new in untouched"]);
    expect(() => compareWarnings(baseline, current, "zero-in-touched")).toThrow(/touched files/);
  });

  it("zero blocks every warning", () => {
    expect(compareWarnings(baseline, baseline, "zero").blocking).toEqual(baseline);
  });

  it("works on a real ESLint report with a line inserted above the warnings", () => {
    const before = parseEslintJson(fixture("eslint.json"), { root: "/tmp/elt" });
    const moved = before.map((x) =>
      x.file === "a.js" ? makeWarning({ ...x, line: x.line + 1 }) : x,
    );
    expect(compareWarnings(before, moved, "no-new").newWarnings).toEqual([]);
    const extra = [...moved, makeWarning({ ...(before[2] ?? w("", 0, "")), line: 9 })];
    expect(at(compareWarnings(before, extra, "no-new").newWarnings)).toEqual([
      "a.js:9 Expected '===' and instead saw '=='.",
    ]);
  });
});
