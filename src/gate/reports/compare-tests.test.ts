import { describe, expect, it } from "vitest";
import { compareTests } from "./compare-tests.js";
import type { TestResult, TestStatus } from "./junit.js";
import { parseJUnit } from "./junit.js";
import { fixture } from "../../../test/support/report-fixtures.js";

function t(name: string, status: TestStatus, suite = "s"): TestResult {
  return { suite, name, status };
}

const names = (changes: readonly { name: string }[]): string[] => changes.map((c) => c.name);

describe("compareTests", () => {
  it("classifies regressions, new failures, fixes and old failures", () => {
    const baseline = [
      t("keeps passing", "passed"),
      t("breaks", "passed"),
      t("disappears", "passed"),
      t("gets skipped", "passed"),
      t("was failing", "failed"),
      t("was erroring", "error"),
      t("gets fixed", "failed"),
      t("was skipped, fails", "skipped"),
    ];
    const current = [
      t("keeps passing", "passed"),
      t("breaks", "error"),
      t("gets skipped", "skipped"),
      t("was failing", "failed"),
      t("was erroring", "failed"),
      t("gets fixed", "passed"),
      t("was skipped, fails", "failed"),
      t("new and failing", "failed"),
      t("new and passing", "passed"),
    ];
    const result = compareTests(baseline, current);
    expect(names(result.regressions)).toEqual(["breaks", "disappears", "gets skipped"]);
    expect(result.regressions[1]).toEqual({
      suite: "s",
      name: "disappears",
      before: "passed",
      after: "absent",
    });
    expect(names(result.newFailures)).toEqual(["was skipped, fails", "new and failing"]);
    expect(names(result.fixed)).toEqual(["gets fixed"]);
    expect(names(result.stillFailing)).toEqual(["was failing", "was erroring"]);
  });

  it("keys by suite and name", () => {
    const result = compareTests([t("x", "passed", "a")], [t("x", "passed", "b")]);
    expect(result.regressions).toEqual([
      { suite: "a", name: "x", before: "passed", after: "absent" },
    ]);
    expect(result.newFailures).toEqual([]);
  });

  it("keeps the worst outcome of a test reported twice", () => {
    const result = compareTests([t("x", "passed")], [t("x", "passed"), t("x", "failed")]);
    expect(names(result.regressions)).toEqual(["x"]);
  });

  it("requires the tests a step adds to be present and passing", () => {
    const result = compareTests(
      [t("old", "passed")],
      [t("old", "passed"), t("added ok", "passed"), t("added skipped", "skipped")],
      [
        { suite: "s", name: "added ok" },
        { suite: "s", name: "added skipped" },
        { suite: "s", name: "added missing" },
      ],
    );
    expect(result.newFailures.map((c) => [c.name, c.after])).toEqual([
      ["added skipped", "skipped"],
      ["added missing", "absent"],
    ]);
    expect(result.regressions).toEqual([]);
  });

  it("compares real reports: a baseline failure does not count, a broken test does", () => {
    const baseline = parseJUnit(fixture("vitest-junit.xml"));
    const current = baseline.map((r): TestResult =>
      r.name === "top level" ? { ...r, status: "failed", message: "boom" } : r,
    );
    const result = compareTests(baseline, current);
    expect(result.regressions).toEqual([
      {
        suite: "math.test.js",
        name: "top level",
        before: "passed",
        after: "failed",
        message: "boom",
      },
    ]);
    expect(names(result.stillFailing)).toEqual([
      "broken.test.js",
      'math > subtracts <wrong> & "quoted"',
    ]);
    expect(result.newFailures).toEqual([]);
    expect(compareTests(baseline, baseline).regressions).toEqual([]);
  });
});
