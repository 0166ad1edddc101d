import { describe, expect, it } from "vitest";
import {
  fingerprint,
  normaliseMessage,
  parseEslintJson,
  parseGeneric,
  parseMypy,
  parseRuffJson,
  parseTsc,
  type Warning,
} from "./warnings.js";
import { fixture } from "../../../test/support/report-fixtures.js";

const brief = (ws: readonly Warning[]) =>
  ws.map((w) => [w.rule, w.file, w.line, w.column, w.message]);

describe("warning parsers", () => {
  it("parses ESLint JSON, including a fatal parse error", () => {
    const ws = parseEslintJson(fixture("eslint.json"), { root: "/tmp/elt" });
    expect(ws).toHaveLength(10);
    expect(brief(ws).slice(0, 3)).toEqual([
      ["no-unused-vars", "a.js", 1, 5, "'unused' is assigned a value but never used."],
      ["prefer-const", "a.js", 1, 5, "'unused' is never reassigned. Use 'const' instead."],
      ["eqeqeq", "a.js", 3, 9, "Expected '===' and instead saw '=='."],
    ]);
    expect(brief(ws.filter((w) => w.file === "c.js"))).toEqual([
      ["fatal", "c.js", 1, 11, "Parsing error: Unexpected token ;"],
    ]);
    expect(ws.every((w) => w.tool === "eslint" && /^[0-9a-f]{16}$/.test(w.fingerprint))).toBe(true);
    // the two `==` in a.js share a fingerprint: duplicates are kept as separate warnings
    const eq = ws.filter((w) => w.file === "a.js" && w.rule === "eqeqeq");
    expect(eq.map((w) => w.line)).toEqual([3, 4]);
    expect(eq[0]?.fingerprint).toBe(eq[1]?.fingerprint);
  });

  it("rejects JSON that is not an ESLint report", () => {
    expect(() => parseEslintJson('{"filePath": "x"}')).toThrow();
    expect(() => parseEslintJson("not json")).toThrow();
  });

  it("parses tsc output, plain and pretty", () => {
    expect(brief(parseTsc(fixture("tsc.txt")))).toEqual([
      ["TS2322", "src/a.ts", 1, 7, "Type 'string' is not assignable to type 'number'."],
      ["TS7006", "src/a.ts", 2, 12, "Parameter 'p' implicitly has an 'any' type."],
      ["TS2304", "src/a.ts", 3, 18, "Cannot find name 'missing'."],
    ]);
    const pretty = parseTsc(
      readOutputs("tsc-pretty.txt") + "\nerror TS18003: No inputs were found in config file.\n",
    );
    expect(brief(pretty)).toEqual([
      ["TS2322", "src/index.ts", 4, 14, "Type 'number' is not assignable to type 'string'."],
      [
        "TS2741",
        "src/more.ts",
        2,
        14,
        "Property 'y' is missing in type '{ x: number; }' but required in type 'Point'.",
      ],
      ["TS2322", "src/more.ts", 3, 40, "Type 'string' is not assignable to type 'number'."],
      ["TS18003", "", 0, undefined, "No inputs were found in config file."],
    ]);
  });

  it("joins tsc's indented message chains", () => {
    const text =
      "src/x.ts(3,5): error TS2345: Argument of type 'A' is not assignable to parameter of type 'B'.\n" +
      "  Property 'b' is missing in type 'A' but required in type 'B'.\n" +
      "src/y.ts(1,1): error TS1005: ';' expected.\n";
    const ws = parseTsc(text);
    expect(ws.map((w) => w.message)).toEqual([
      "Argument of type 'A' is not assignable to parameter of type 'B'.\nProperty 'b' is missing in type 'A' but required in type 'B'.",
      "';' expected.",
    ]);
  });

  it("parses ruff JSON", () => {
    expect(brief(parseRuffJson(fixture("ruff.json"), { root: "/repo/" }))).toEqual([
      ["F401", "app/main.py", 1, 8, "`os` imported but unused"],
      ["E711", "app/main.py", 7, 13, "Comparison to `None` should be `cond is None`"],
      ["syntax-error", "app/broken.py", 3, 11, "SyntaxError: Expected an expression"],
    ]);
  });

  it("parses mypy text, skipping notes and the summary", () => {
    expect(brief(parseMypy(fixture("mypy.txt")))).toEqual([
      [
        "return-value",
        "app/main.py",
        12,
        undefined,
        'Incompatible return value type (got "int", expected "str")',
      ],
      [
        "arg-type",
        "app/main.py",
        20,
        undefined,
        'Argument 1 to "greet" has incompatible type "int"; expected "str"',
      ],
      ["no-redef", "app/models.py", 5, 9, 'Name "Foo" already defined on line 3'],
      ["unused-ignore", "app/models.py", 30, undefined, 'Unused "type: ignore" comment'],
    ]);
  });

  it("parses generic file:line[:col]: message lines, or a custom regex", () => {
    const text = "./src/a.c:10:3: warning: unused variable 'x'\nnoise\nlib/b.py:7: bad thing\n";
    expect(brief(parseGeneric(text))).toEqual([
      ["", "src/a.c", 10, 3, "warning: unused variable 'x'"],
      ["", "lib/b.py", 7, undefined, "bad thing"],
    ]);
    const custom = parseGeneric(
      "W [rule-1] at x.sh line 4: quote this\n",
      /^W \[(?<rule>[\w-]+)\] at (?<file>\S+) line (?<line>\d+): (?<message>.*)$/g,
      { tool: "shellcheck" },
    );
    expect(custom).toEqual([
      expect.objectContaining({ tool: "shellcheck", rule: "rule-1", file: "x.sh", line: 4 }),
    ]);
  });
});

describe("fingerprint", () => {
  it("drops line references and collapses whitespace, keeping numbers and identifiers", () => {
    expect(normaliseMessage('  Name "Foo"   already defined on line 3 ')).toBe(
      'Name "Foo" already defined on line #',
    );
    expect(normaliseMessage("see src/a.ts:12:4 and b.py(3,1)")).toBe("see src/a.ts:# and b.py(#)");
    expect(normaliseMessage("expected 2 arguments, got 3")).toBe("expected 2 arguments, got 3");
  });

  it("ignores line moves but not identifier, rule, file or tool changes", () => {
    const base = fingerprint("eslint", "no-unused-vars", "a.js", "'x' is unused.");
    expect(fingerprint("eslint", "no-unused-vars", "a.js", "'x'  is unused.")).toBe(base);
    expect(fingerprint("eslint", "no-unused-vars", "a.js", "'y' is unused.")).not.toBe(base);
    expect(fingerprint("eslint", "no-undef", "a.js", "'x' is unused.")).not.toBe(base);
    expect(fingerprint("eslint", "no-unused-vars", "b.js", "'x' is unused.")).not.toBe(base);
    expect(fingerprint("tsc", "no-unused-vars", "a.js", "'x' is unused.")).not.toBe(base);
  });
});

function readOutputs(name: string): string {
  return fixture(`../outputs/${name}`);
}
