import { describe, expect, it } from "vitest";
import { parseJUnit } from "./junit.js";
import { fixture } from "../../../test/support/report-fixtures.js";

describe("parseJUnit", () => {
  it("reads vitest's report", () => {
    const results = parseJUnit(fixture("vitest-junit.xml"));
    expect(results).toEqual([
      {
        suite: "broken.test.js",
        name: "broken.test.js",
        status: "failed",
        message: "boom at import",
        location: "broken.test.js:1:7",
      },
      { suite: "math.test.js", name: "math > adds", status: "passed" },
      {
        suite: "math.test.js",
        name: 'math > subtracts <wrong> & "quoted"',
        status: "failed",
        message: "expected 2 to be 1 // Object.is equality",
        location: "math.test.js:4:62",
      },
      { suite: "math.test.js", name: "math > skipped one", status: "skipped" },
      { suite: "math.test.js", name: "top level", status: "passed" },
    ]);
  });

  it("reads pytest's report (xunit2)", () => {
    const results = parseJUnit(fixture("pytest-junit.xml"));
    expect(results.map((r) => [r.suite, r.name, r.status])).toEqual([
      ["test_calc", "test_add", "passed"],
      ["test_calc", "test_sub", "failed"],
      ["test_calc", "test_uses_bad", "error"],
      ["test_calc", "test_skipped", "skipped"],
      ["test_calc.TestThing", "test_method", "passed"],
    ]);
    expect(results[1]).toMatchObject({
      message: "AssertionError: sub <broken> & wrong\nassert (3 - 1) == 1",
      location: "test_calc.py:7",
    });
    expect(results[2]).toMatchObject({
      message: 'failed on setup with "RuntimeError: fixture exploded"',
      location: "test_calc.py:11",
    });
    expect(results[3]?.message).toBe("not today");
  });

  it("reads pytest's xunit1 file and line attributes", () => {
    const results = parseJUnit(fixture("pytest-junit-xunit1.xml"));
    expect(results[0]).toEqual({
      suite: "test_calc",
      name: "test_add",
      file: "test_calc.py",
      status: "passed",
      location: "test_calc.py:2",
    });
    expect(results[1]).toMatchObject({ status: "failed", location: "test_calc.py:7" });
  });

  it("reads jest-junit's report, skipping node_modules frames", () => {
    const results = parseJUnit(fixture("jest-junit.xml"));
    expect(results).toEqual([
      {
        suite: "Calculator adds two numbers",
        name: "Calculator adds two numbers",
        status: "passed",
      },
      {
        suite: "Calculator divides & rounds",
        name: "Calculator divides & rounds",
        status: "failed",
        message: "Error: expect(received).toBe(expected) // Object.is equality",
        location: "/repo/src/calc.test.js:12:25",
      },
      {
        suite: "Calculator pending feature",
        name: "Calculator pending feature",
        status: "skipped",
      },
      {
        suite: "util formats \u201Cdates\u201D",
        name: "util formats \u201Cdates\u201D",
        status: "passed",
      },
    ]);
  });

  it("uses the suite name when there is no classname, and nested suites", () => {
    const xml = `<testsuite name="outer" file="a.spec.ts"><testsuite name="inner">
      <testcase name="t1"><error message="E"/></testcase></testsuite>
      <testcase name="t2"/></testsuite>`;
    expect(parseJUnit(xml)).toEqual([
      { suite: "inner", name: "t1", file: "a.spec.ts", status: "error", message: "E" },
      { suite: "outer", name: "t2", file: "a.spec.ts", status: "passed" },
    ]);
  });

  it("rejects documents that are not JUnit", () => {
    expect(() => parseJUnit("<html/>")).toThrow(/Not a JUnit report/);
    expect(() => parseJUnit("<testsuites>")).toThrow(/Unclosed/);
  });
});
