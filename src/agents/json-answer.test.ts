import { describe, expect, it } from "vitest";
import { z } from "zod";
import { extractJsonObject, formatIssuePath, parseJsonAnswer } from "./json-answer.js";

/** The error of a failed result; fails the test when the result succeeded. */
function errorOf(result: { ok: true } | { ok: false; error: string }): string {
  if (result.ok) throw new Error("expected a failure, got success");
  return result.error;
}

const Schema = z.object({
  name: z.string(),
  items: z.array(z.object({ risk: z.enum(["low", "high"]) })),
});

describe("extractJsonObject", () => {
  it("takes the object from a ```json fence, ignoring prose and other fences", () => {
    const text = [
      "Here is my plan. Note the config `{x}`:",
      "```ts",
      "const a = { b: 1 };",
      "```",
      "```json",
      '{ "name": "fenced", "items": [] }',
      "```",
      "Thanks!",
    ].join("\n");
    expect(extractJsonObject(text)).toEqual({ ok: true, value: { name: "fenced", items: [] } });
  });

  it("takes a bare object with prose before and after", () => {
    const text = 'Sure! {"name": "bare", "items": [{"risk": "low"}]} Let me know.';
    expect(extractJsonObject(text)).toEqual({
      ok: true,
      value: { name: "bare", items: [{ risk: "low" }] },
    });
  });

  it("skips braces in prose that are not JSON and finds the object after them", () => {
    const text = 'I used {placeholders} here.\n{"name": "later", "items": []}';
    expect(extractJsonObject(text)).toEqual({ ok: true, value: { name: "later", items: [] } });
  });

  it("is not fooled by braces inside strings", () => {
    const text = '{"name": "a } tricky { name \\" quote", "items": []}';
    expect(extractJsonObject(text)).toEqual({
      ok: true,
      value: { name: 'a } tricky { name " quote', items: [] },
    });
  });

  it("reads a fenced object whose strings contain a code fence", () => {
    const text = '```json\n{"name": "use ```ts fences``` in docs", "items": []}\n```';
    expect(extractJsonObject(text)).toEqual({
      ok: true,
      value: { name: "use ```ts fences``` in docs", items: [] },
    });
  });

  it("forgives trailing commas", () => {
    expect(extractJsonObject('{"name": "x", "items": [1, 2,],}')).toEqual({
      ok: true,
      value: { name: "x", items: [1, 2] },
    });
  });

  it("reports invalid JSON instead of returning an inner object", () => {
    const result = extractJsonObject('{"name": "x" "items": [{"risk": "low"}]}');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(/^invalid JSON/);
  });

  it("says when there is no JSON at all", () => {
    const result = extractJsonObject("I could not do it, sorry.");
    expect(errorOf(result)).toContain("contains no JSON object");
  });

  it("says when the object is cut off", () => {
    const result = extractJsonObject('Plan:\n{"name": "x", "items": [');
    expect(errorOf(result)).toContain("never closed");
  });

  it("refuses an array", () => {
    const result = extractJsonObject('```json\n[{"a": 1}]\n```');
    expect(result.ok).toBe(false);
  });
});

describe("parseJsonAnswer", () => {
  it("returns the validated value", () => {
    const result = parseJsonAnswer('{"name": "n", "items": [{"risk": "high"}]}', Schema);
    expect(result).toEqual({ ok: true, value: { name: "n", items: [{ risk: "high" }] } });
  });

  it("names the path of every failing field", () => {
    const result = parseJsonAnswer('{"items": [{"risk": "low"}, {"risk": "extreme"}]}', Schema);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toContain("- name:");
    expect(result.error).toContain("- items[1].risk:");
    expect(result.error).toMatch(/items\[1\]\.risk: .*"low"/);
  });

  it("passes extraction errors through", () => {
    expect(parseJsonAnswer("nothing here", Schema).ok).toBe(false);
  });
});

describe("formatIssuePath", () => {
  it("writes dotted paths with indexes", () => {
    expect(formatIssuePath(["steps", 2, "files_to_read", 0])).toBe("steps[2].files_to_read[0]");
    expect(formatIssuePath([])).toBe("(root)");
  });
});
