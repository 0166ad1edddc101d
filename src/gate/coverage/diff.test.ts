import { describe, expect, it } from "vitest";
import { changedLinesFromDiff } from "./index.js";

function asObject(m: Map<string, Set<number>>): Record<string, number[]> {
  return Object.fromEntries([...m].map(([f, s]) => [f, [...s].sort((a, b) => a - b)]));
}

describe("changedLinesFromDiff", () => {
  it("reads -U0 hunks with and without counts", () => {
    const diff = [
      "diff --git a/src/x.ts b/src/x.ts",
      "index 1..2 100644",
      "--- a/src/x.ts",
      "+++ b/src/x.ts",
      "@@ -1 +1 @@ export const a = 1;",
      "-old",
      "+new",
      "@@ -10,0 +11,3 @@",
      "+a",
      "+b",
      "+c",
      "@@ -20,2 +23,0 @@",
      "-gone",
      "-gone too",
    ].join("\n");
    expect(asObject(changedLinesFromDiff(diff))).toEqual({ "src/x.ts": [1, 11, 12, 13] });
  });

  it("does not mistake removed or added lines that look like headers", () => {
    const diff = [
      "diff --git a/a.md b/a.md",
      "--- a/a.md",
      "+++ b/a.md",
      "@@ -1,2 +1,2 @@",
      "--- a/other",
      "-+++ b/other",
      "++++ b/evil",
      "+@@ -1 +1 @@",
    ].join("\n");
    expect(asObject(changedLinesFromDiff(diff))).toEqual({ "a.md": [1, 2] });
  });

  it("walks context lines when the diff has them", () => {
    const diff = [
      "--- a/f.txt",
      "+++ b/f.txt",
      "@@ -1,4 +1,5 @@",
      " one",
      "-two",
      "+TWO",
      "+extra",
      " three",
      "",
      "@@ -9,1 +10,1 @@",
      "-x",
      "+y",
    ].join("\n");
    expect(asObject(changedLinesFromDiff(diff))).toEqual({ "f.txt": [2, 3, 10] });
  });

  it("handles no-newline markers, pure renames, deletions, binaries and quoted paths", () => {
    const diff = [
      "diff --git a/n.txt b/n.txt",
      "--- a/n.txt",
      "+++ b/n.txt",
      "@@ -3 +3,2 @@",
      "-end",
      "\\ No newline at end of file",
      "+end",
      "+more",
      "\\ No newline at end of file",
      "diff --git a/old.ts b/new.ts",
      "similarity index 100%",
      "rename from old.ts",
      "rename to new.ts",
      "diff --git a/del.ts b/del.ts",
      "deleted file mode 100644",
      "--- a/del.ts",
      "+++ /dev/null",
      "@@ -1,2 +0,0 @@",
      "-a",
      "-b",
      "diff --git a/img.png b/img.png",
      "Binary files a/img.png and b/img.png differ",
      'diff --git "a/t\\303\\251st.ts" "b/t\\303\\251st.ts"',
      '--- "a/t\\303\\251st.ts"',
      '+++ "b/t\\303\\251st.ts"',
      "@@ -0,0 +1 @@",
      "+x",
      "diff --git a/sp ace.ts b/sp ace.ts",
      "--- a/sp ace.ts\t2024-01-01 00:00:00",
      "+++ b/sp ace.ts\t2024-01-01 00:00:00",
      "@@ -0,0 +1 @@",
      "+y",
    ].join("\r\n");
    expect(asObject(changedLinesFromDiff(diff))).toEqual({
      "n.txt": [3, 4],
      "tést.ts": [1],
      "sp ace.ts": [1],
    });
  });

  it("an empty diff is an empty map", () => {
    expect(changedLinesFromDiff("").size).toBe(0);
  });
});
