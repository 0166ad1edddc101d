import { describe, expect, it } from "vitest";
import { SourceFile, formatPath } from "./yaml-source.js";

describe("formatPath", () => {
  it.each([
    [[], ""],
    [["tasks", 2, "risk"], "tasks[2].risk"],
    [["models", "claude_sonnet", "price", "input"], "models.claude_sonnet.price.input"],
    [["models", "a.b"], 'models["a.b"]'],
    [["levels", "SMALL", 0], "levels.SMALL[0]"],
  ])("%j -> %s", (path, text) => {
    expect(formatPath(path)).toBe(text);
  });
});

describe("SourceFile", () => {
  const text = "tasks:\n  - id: A\n    risk:\n    area: docs\n";

  it("points at values, keys, empty values and the nearest existing ancestor", () => {
    const source = new SourceFile("t.yaml", text);
    source.report(["tasks", 0, "area"], "value");
    source.report(["tasks", 0, "area"], "key", "key");
    source.report(["tasks", 0, "risk"], "empty");
    source.report(["tasks", 0, "goal"], "missing");
    source.report(["tasks", 5], "no such item");
    expect(source.problems.map((p) => `${p.line}:${p.column} ${p.path} ${p.message}`)).toEqual([
      "4:11 tasks[0].area value",
      "4:5 tasks[0].area key",
      "3:5 tasks[0].risk empty",
      "2:5 tasks[0].goal missing",
      "2:3 tasks[5] no such item",
    ]);
  });

  it("maps display paths through the prefix of a bare list", () => {
    const source = new SourceFile("t.yaml", "- id: A\n  risk: x\n");
    source.displayPrefix = ["tasks"];
    source.report(["tasks", 0, "risk"], "bad");
    expect(source.problems[0]).toMatchObject({ line: 2, column: 9, path: "tasks[0].risk" });
    expect(source.toDisplayPath([0, "id"])).toEqual(["tasks", 0, "id"]);
  });

  it("reports the same problem once", () => {
    const source = new SourceFile("t.yaml", text);
    source.report(["tasks"], "same");
    source.report(["tasks"], "same");
    expect(source.problems).toHaveLength(1);
  });

  it("turns syntax errors into one-line problems", () => {
    const source = new SourceFile("t.yaml", "a: 1\na: 2\nb: [1, 2\n");
    expect(source.hasSyntaxErrors).toBe(true);
    expect(source.problems[0]).toMatchObject({ line: 2, column: 1, message: 'duplicate key "a"' });
    for (const p of source.problems) expect(p.message).not.toContain("\n");
  });

  it("names quoted duplicate keys without quotes", () => {
    const source = new SourceFile("t.yaml", '"a b": 1\n"a b": 2\n');
    expect(source.problems[0]?.message).toBe('duplicate key "a b"');
  });
});
