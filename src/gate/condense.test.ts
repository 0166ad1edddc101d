import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { condenseOutput } from "./index.js";

/** Outputs captured from real runs of the tools (see the README beside them). */
function captured(name: string): string {
  return readFileSync(new URL(`../../test/fixtures/gate/outputs/${name}`, import.meta.url), "utf8");
}

const JEST_OUTPUT = `FAIL src/sum.test.js
  sum
    ✕ adds two numbers (3 ms)
    ✓ adds zero (1 ms)

  ● sum › adds two numbers

    expect(received).toBe(expected) // Object.is equality

    Expected: 3
    Received: 2

      2 |
      3 | test("adds two numbers", () => {
    > 4 |   expect(sum(1, 1)).toBe(3);
        |                     ^
      5 | });

      at Object.toBe (src/sum.test.js:4:21)
      at Promise.then.completed (node_modules/jest-circus/build/utils.js:298:28)

Test Suites: 1 failed, 1 total
Tests:       1 failed, 1 passed, 2 total
Snapshots:   0 total
Time:        0.412 s
Ran all test suites.
`;

describe("condenseOutput on real tool output", () => {
  it("keeps a failing node --test (TAP) test with its assertion and location", () => {
    const summary = condenseOutput("tests", captured("node-test-tap.txt"));
    expect(summary).toContain("not ok 2 - adds two numbers");
    expect(summary).toContain("Expected values to be strictly equal:");
    expect(summary).toContain("-1 !== 5");
    expect(summary).toContain("location: '/tmp/gx/nt/math.test.js:5:1'");
    expect(summary).toContain("math.test.js:5:41");
    expect(summary).not.toContain("ok 1 - adds zero");
    expect(summary).not.toContain("duration_ms");
    expect(summary).not.toContain("node:internal");
  });

  it("keeps nested TAP failures and a test file that failed to load", () => {
    const summary = condenseOutput("tests", captured("node-test-tap-nested.txt"));
    expect(summary).toContain("not ok 1 - inner fails");
    expect(summary).toContain("not ok 2 - throws");
    expect(summary).toContain("Cannot read properties of null (reading 'x')");
    expect(summary).toContain("Error [ERR_MODULE_NOT_FOUND]: Cannot find module");
    expect(summary).toContain("# fail 3");
  });

  it("uses only the closing summary of the node --test spec reporter", () => {
    const summary = condenseOutput("tests", captured("node-test-spec.txt"));
    expect(summary.split("\n")).toEqual([
      "test at math.test.js:5:1",
      expect.stringMatching(/^✖ adds two numbers \([\d.]+ms\)$/),
      "  AssertionError [ERR_ASSERTION]: Expected values to be strictly equal:",
      "  -1 !== 5",
    ]);
  });

  it("keeps vitest's failed test, assertion, diff and location", () => {
    const summary = condenseOutput("tests", captured("vitest.txt"));
    expect(summary).toContain("FAIL  sum.test.js > adds");
    expect(summary).toContain("× adds");
    expect(summary).toContain("AssertionError: expected 2 to be 3");
    expect(summary).toMatch(/- Expected\n\+ Received\n- 3\n\+ 2/);
    expect(summary).toContain("❯ sum.test.js:1:36");
    expect(summary).not.toContain("✓ ok");
    expect(summary).not.toContain("Duration");
  });

  it("keeps pytest's failure header, E lines and short summary", () => {
    const summary = condenseOutput("tests", captured("pytest.txt"));
    expect(summary).toContain("FAILED test_calc.py::test_add - assert -1 == 5");
    expect(summary).toContain("E       assert -1 == 5");
    expect(summary).toContain("test_calc.py:5: AssertionError");
    expect(summary).toContain("1 failed, 1 passed");
    expect(summary).not.toContain("def test_add");
  });

  it("keeps each jest ● block up to its first stack frame, without the code frame", () => {
    const summary = condenseOutput("tests", JEST_OUTPUT);
    expect(summary.split("\n")).toEqual([
      "FAIL src/sum.test.js",
      "  ● sum › adds two numbers",
      "    expect(received).toBe(expected) // Object.is equality",
      "    Expected: 3",
      "    Received: 2",
      "      at Object.toBe (src/sum.test.js:4:21)",
      "Tests:       1 failed, 1 passed, 2 total",
    ]);
  });

  it("keeps ESLint's file headers, problems with position and rule, and the total", () => {
    const summary = condenseOutput("lint", captured("eslint-stylish.txt"));
    expect(summary.split("\n")).toEqual([
      "/tmp/gx/es/index.js",
      "  2:9  error  'unused' is assigned a value but never used  no-unused-vars",
      "/tmp/gx/es/lib/util.js",
      "  2:7   error  'first' is never reassigned. Use 'const' instead  prefer-const",
      "  4:11  error  'copy' is assigned a value but never used         no-unused-vars",
      "✖ 3 problems (3 errors, 0 warnings)",
    ]);
  });

  it("keeps tsc errors, plain and --pretty (with its colours removed)", () => {
    const plain = condenseOutput("typecheck", captured("tsc.txt"));
    expect(plain.split("\n")).toEqual([
      "src/index.ts(4,14): error TS2322: Type 'number' is not assignable to type 'string'.",
      "src/more.ts(2,14): error TS2741: Property 'y' is missing in type '{ x: number; }' but required in type 'Point'.",
      "src/more.ts(3,40): error TS2322: Type 'string' is not assignable to type 'number'.",
    ]);
    const pretty = condenseOutput("typecheck", captured("tsc-pretty.txt"));
    expect(pretty).toContain(
      "src/index.ts:4:14 - error TS2322: Type 'number' is not assignable to type 'string'.",
    );
    expect(pretty).toContain("Found 3 errors in 2 files.");
    expect(pretty).not.toContain("\u001b[");
  });

  it("finds every tool's failures in the output of a custom check that runs several", () => {
    const output = `${captured("tsc.txt")}\n${captured("node-test-tap.txt")}`;
    const summary = condenseOutput("custom", output);
    expect(summary).toContain("src/more.ts(3,40): error TS2322");
    expect(summary).toContain("not ok 2 - adds two numbers");
  });
});

describe("condenseOutput limits", () => {
  it("falls back to the last 20 non-blank lines of unknown output", () => {
    const output = Array.from({ length: 30 }, (_, i) => `line ${i + 1}\n`).join("\n");
    const summary = condenseOutput("custom", output);
    expect(summary.split("\n")).toEqual(Array.from({ length: 20 }, (_, i) => `line ${i + 11}`));
  });

  it("caps the number of lines and names the log for the rest", () => {
    const output = Array.from({ length: 50 }, (_, i) => `src/f${i}.ts(1,1): error TS1005: x`);
    const summary = condenseOutput("typecheck", output.join("\n"), 5, "/logs/tsc.log");
    const lines = summary.split("\n");
    expect(lines).toHaveLength(6);
    expect(lines[4]).toBe("src/f4.ts(1,1): error TS1005: x");
    expect(lines[5]).toBe("... (45 more lines, see /logs/tsc.log)");
  });

  it("caps the size at about 4000 characters and shortens very long lines", () => {
    const long = "E   " + "x".repeat(1_000);
    const output = Array.from({ length: 40 }, () => long).join("\n");
    const summary = condenseOutput("tests", output);
    expect(summary.length).toBeLessThanOrEqual(4_100);
    expect(summary.split("\n")[0]).toHaveLength(304);
    expect(summary).toMatch(/\.\.\. \(\d+ more lines, see the full log\)$/);
  });

  it("shows only what a terminal would show of lines rewritten with carriage returns", () => {
    const output = "progress 10%\rprogress 100%\r\nstill failing\r\n";
    expect(condenseOutput("custom", output)).toBe("progress 100%\nstill failing");
  });

  it("returns an empty string for empty output", () => {
    expect(condenseOutput("tests", "")).toBe("");
  });
});
