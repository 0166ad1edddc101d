import { describe, expect, it } from "vitest";
import { parseEdits } from "./edit-format.js";

describe("parseEdits", () => {
  it("parses a whole-file write and keeps the prose as summary", () => {
    const text = [
      "I add the module.",
      "",
      "<<<<<<< WRITE src/module.js",
      "export const value = 1;",
      "",
      "  indented();",
      ">>>>>>> END",
      "",
      "Confidence: high",
    ].join("\n");
    expect(parseEdits(text)).toEqual({
      ok: true,
      edits: [
        {
          kind: "write",
          path: "src/module.js",
          content: "export const value = 1;\n\n  indented();\n",
          line: 3,
        },
      ],
      summary: "I add the module.\n\nConfidence: high",
    });
  });

  it("parses search/replace blocks, an empty replacement and a deletion", () => {
    const text = [
      "<<<<<<< SEARCH src/a.ts",
      "const a = 1;",
      "=======",
      "const a = 2;",
      ">>>>>>> REPLACE",
      "<<<<<<< SEARCH src/a.ts",
      "// obsolete",
      "=======",
      ">>>>>>> REPLACE",
      "<<<<<<< DELETE `src/old.ts`",
      "Done.",
    ].join("\n");
    expect(parseEdits(text)).toEqual({
      ok: true,
      edits: [
        {
          kind: "replace",
          path: "src/a.ts",
          search: "const a = 1;\n",
          replace: "const a = 2;\n",
          line: 1,
        },
        { kind: "replace", path: "src/a.ts", search: "// obsolete\n", replace: "", line: 6 },
        { kind: "delete", path: "src/old.ts", line: 10 },
      ],
      summary: "Done.",
    });
  });

  it("treats CRLF answers like LF answers and drops fence lines from the summary", () => {
    const text = "```\r\n<<<<<<< WRITE a.txt\r\nhi\r\n>>>>>>> END\r\n```\r\nSummary";
    expect(parseEdits(text)).toEqual({
      ok: true,
      edits: [{ kind: "write", path: "a.txt", content: "hi\n", line: 2 }],
      summary: "Summary",
    });
  });

  it("keeps conflict-like lines inside a block as content", () => {
    const text = "<<<<<<< WRITE notes.md\n<<<<<<< HEAD\n=======\n>>>>>>> main\n>>>>>>> END\n";
    const result = parseEdits(text);
    expect(result.ok && result.edits[0]).toEqual({
      kind: "write",
      path: "notes.md",
      content: "<<<<<<< HEAD\n=======\n>>>>>>> main\n",
      line: 1,
    });
  });

  it("accepts an answer without edits", () => {
    expect(parseEdits("Nothing to change: the step is analysis only.")).toEqual({
      ok: true,
      edits: [],
      summary: "Nothing to change: the step is analysis only.",
    });
  });

  it.each([
    [
      "an unclosed write",
      "<<<<<<< WRITE a.txt\nhello\n",
      /line 1: the WRITE block for a.txt is not closed by ">>>>>>> END"/,
    ],
    [
      "a write closed by the next block",
      "<<<<<<< WRITE a.txt\nhello\n<<<<<<< WRITE b.txt\nx\n>>>>>>> END\n",
      /line 1: .* before the next block at line 3/,
    ],
    [
      "a search without divider",
      "<<<<<<< SEARCH a.txt\nold\n>>>>>>> REPLACE\n",
      /line 1: .*no "=======" line/,
    ],
    [
      "a search closed with END",
      "<<<<<<< SEARCH a.txt\nold\n=======\nnew\n>>>>>>> END\n",
      /not closed by ">>>>>>> REPLACE"/,
    ],
    [
      "a marker without path",
      "<<<<<<< WRITE\nx\n>>>>>>> END\n",
      /line 1: WRITE marker without a file path/,
    ],
    [
      "an unknown marker",
      "<<<<<<< PATCH a.txt\n",
      /line 1: unknown edit marker "<<<<<<< PATCH a.txt"/,
    ],
    ["a stray closing marker", "text\n>>>>>>> END\n", /line 2: ">>>>>>> END" closes no open block/],
  ])("reports %s with its line", (_name, text, message) => {
    const result = parseEdits(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(message);
  });
});
