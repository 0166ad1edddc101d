import { describe, expect, it } from "vitest";
import { closestMatch, describeValue, didYouMean, editDistance } from "./describe.js";

describe("editDistance", () => {
  it.each([
    ["", "", 0],
    ["abc", "abc", 0],
    ["hgih", "high", 1],
    ["contxt_files", "context_files", 1],
    ["tiemout", "timeout", 1],
    ["kitten", "sitting", 3],
    ["", "abc", 3],
  ])("%j vs %j is %i", (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
  });
});

describe("closestMatch", () => {
  const keys = ["context_files", "constraints", "timeout", "tasks"];
  it.each([
    ["contxt_files", "context_files"],
    ["CONTEXT-FILES", "context_files"],
    ["contextFiles", "context_files"],
    ["tiemout", "timeout"],
    ["task", "tasks"],
    ["banana", undefined],
    ["x", undefined],
  ])("%j -> %j", (word, match) => {
    expect(closestMatch(word, keys)).toBe(match);
  });

  it("suggests an unambiguous prefix", () => {
    expect(closestMatch("claude", ["claude-cli", "gemini-cli"])).toBe("claude-cli");
    expect(closestMatch("cl", ["claude-cli", "gemini-cli"])).toBeUndefined();
  });

  it("formats the hint", () => {
    expect(didYouMean("hgih", ["low", "high"])).toBe('; did you mean "high"?');
    expect(didYouMean("zzz", ["low", "high"])).toBe("");
  });
});

describe("describeValue", () => {
  it.each([
    [undefined, "nothing"],
    [null, "an empty value"],
    ["x", '"x"'],
    [1.5, "1.5"],
    [false, "false"],
    [[], "an empty list"],
    [[1], "a list"],
    [{ a: 1 }, "a mapping"],
  ])("%j -> %s", (value, text) => {
    expect(describeValue(value)).toBe(text);
  });

  it("shortens long strings", () => {
    expect(describeValue("a".repeat(100))).toBe(`"${"a".repeat(57)}..."`);
  });
});
