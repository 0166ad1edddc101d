import { describe, expect, it } from "vitest";
import type { CheckRunData } from "../gate/index.js";
import { findingsFromRuns } from "./baseline-findings.js";

const warning = (file: string, line: number, rule: string) => ({
  tool: "eslint",
  rule,
  file,
  line,
  message: `${rule} here`,
  fingerprint: `${file}${line}${rule}`,
});

const coverageFile = (path: string, found: number, hit: number) => ({
  path,
  lines: { found, hit },
  lineHits: null,
});

describe("findingsFromRuns", () => {
  it("turns the baseline's reports into failing tests, warnings by file and low coverage", () => {
    const runs = new Map<string, CheckRunData>([
      [
        "test",
        {
          exitCode: 1,
          timedOut: false,
          data: {
            errors: [],
            tests: [
              { suite: "calc", name: "divides", status: "passed" },
              {
                suite: "calc",
                name: "divides by zero",
                file: "test/calc.test.js",
                status: "failed",
                message: "expected error\nstack",
              },
              { suite: "", name: "boots", status: "error" },
              { suite: "calc", name: "skips", status: "skipped" },
            ],
            coverage: {
              format: "lcov",
              files: [
                coverageFile("src/calc.js", 10, 9),
                coverageFile("src/io.js", 10, 2),
                coverageFile("src/empty.js", 0, 0),
                coverageFile("src/half.js", 10, 5),
              ],
            },
          },
        },
      ],
      [
        "lint",
        {
          exitCode: 1,
          timedOut: false,
          data: {
            errors: [],
            warnings: [
              warning("src/a.js", 3, "no-unused-vars"),
              warning("src/b.js", 1, "eqeqeq"),
              warning("src/b.js", 7, "no-var"),
            ],
          },
        },
      ],
    ]);
    expect(findingsFromRuns(runs, 80)).toEqual([
      {
        kind: "failing-test",
        check: "test",
        test: "calc > divides by zero",
        file: "test/calc.test.js",
        message: "expected error\nstack",
      },
      { kind: "failing-test", check: "test", test: "boots", file: undefined, message: undefined },
      {
        kind: "warnings",
        check: "lint",
        file: "src/b.js",
        count: 2,
        rules: ["eqeqeq", "no-var"],
        first: "1: eqeqeq eqeqeq here",
      },
      {
        kind: "warnings",
        check: "lint",
        file: "src/a.js",
        count: 1,
        rules: ["no-unused-vars"],
        first: "3: no-unused-vars no-unused-vars here",
      },
      { kind: "low-coverage", check: "test", file: "src/io.js", percent: 20, target: 80 },
      { kind: "low-coverage", check: "test", file: "src/half.js", percent: 50, target: 80 },
    ]);
  });

  it("finds nothing in a clean baseline", () => {
    const clean: CheckRunData = {
      exitCode: 0,
      timedOut: false,
      data: { errors: [], tests: [{ suite: "s", name: "t", status: "passed" }], warnings: [] },
    };
    expect(findingsFromRuns(new Map([["test", clean]]), 80)).toEqual([]);
  });
});
