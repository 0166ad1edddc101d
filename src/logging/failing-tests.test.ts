import { describe, expect, it } from "vitest";
import { failingTestNames } from "./failing-tests.js";

describe("failingTestNames", () => {
  it("reads the test names of each runner's failure lines", () => {
    const summary = [
      "not ok 2 - adds numbers",
      "  ---",
      "  error: 'expected 3'",
      "✖ subtracts numbers (1.25ms)",
      " FAIL  test/math.test.ts > sum > handles zero",
      "   × multiplies 12ms",
      "  ● divide › by zero",
      "FAILED tests/test_search.py::test_hybrid_search - AssertionError: 1 != 2",
      "Tests  3 failed | 4 passed",
    ].join("\n");
    expect(failingTestNames(summary)).toEqual([
      "adds numbers",
      "subtracts numbers",
      "sum > handles zero",
      "multiplies",
      "divide › by zero",
      "test_hybrid_search",
    ]);
  });

  it("lists a test once and ignores lines that name no test", () => {
    const summary = "✖ adds (1ms)\n✖ adds (1ms)\nsrc/a.ts(3,1): error TS2304: x\n● Console\n";
    expect(failingTestNames(summary)).toEqual(["adds"]);
  });
});
