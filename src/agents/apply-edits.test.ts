import { mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Edit } from "./edit-format.js";
import { applyEdits } from "./apply-edits.js";
import { applyEditAnswer } from "./edit-answer.js";

/** The error of a failed result; fails the test when the result succeeded. */
function errorOf(result: { ok: true } | { ok: false; error: string }): string {
  if (result.ok) throw new Error("expected a failure, got success");
  return result.error;
}

let root: string;
let outside: string;

async function put(path: string, content: string | Buffer): Promise<void> {
  await mkdir(dirname(join(root, path)), { recursive: true });
  await writeFile(join(root, path), content);
}

async function read(path: string): Promise<string> {
  return readFile(join(root, path), "utf8");
}

/** Every file below the root with its bytes, to prove nothing changed. */
async function snapshot(): Promise<Record<string, string>> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const files: Record<string, string> = {};
  for (const e of entries.filter((x) => x.isFile())) {
    const abs = join(e.parentPath, e.name);
    files[abs.slice(root.length + 1)] = (await readFile(abs)).toString("base64");
  }
  return files;
}

const write = (path: string, content: string): Edit => ({ kind: "write", path, content, line: 1 });
const replace = (path: string, search: string, replacement: string): Edit => ({
  kind: "replace",
  path,
  search,
  replace: replacement,
  line: 1,
});

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "agents-apply-"));
  outside = await mkdtemp(join(tmpdir(), "agents-outside-"));
  await put("src/a.ts", "const a = 1;\nconst b = 2;\nexport { a, b };\n");
  await put("README.md", "# Title\n");
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
  await rm(outside, { recursive: true, force: true });
});

describe("applyEdits", () => {
  it("writes, replaces and deletes, creating folders, and lists the files", async () => {
    const result = await applyEdits(root, [
      write("src/deep/new/b.ts", "export const c = 3;\n"),
      replace("src/a.ts", "const b = 2;\n", "const b = 20;\n"),
      replace("src/a.ts", "const b = 20;\n", "const b = 200;\n"),
      { kind: "delete", path: "README.md", line: 9 },
    ]);
    expect(result).toEqual({ ok: true, files: ["src/deep/new/b.ts", "src/a.ts", "README.md"] });
    expect(await read("src/deep/new/b.ts")).toBe("export const c = 3;\n");
    expect(await read("src/a.ts")).toBe("const a = 1;\nconst b = 200;\nexport { a, b };\n");
    await expect(read("README.md")).rejects.toThrow();
  });

  it("writes nothing when a SEARCH text is not found, and says so", async () => {
    const before = await snapshot();
    const result = await applyEdits(root, [
      write("src/new.ts", "x\n"),
      replace("README.md", "# Title\n", "# New title\n"),
      replace("src/a.ts", "const c = 3;\nconst d = 4;\n", "nothing\n"),
    ]);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toContain("src/a.ts");
    expect(result.errors[0]).toContain("matched 0 times");
    expect(result.errors[0]).toContain("| const c = 3;");
    expect(await snapshot()).toEqual(before);
  });

  it("refuses an ambiguous SEARCH text, counting the matches", async () => {
    await put("src/dup.ts", "x();\ny();\nx();\n");
    const before = await snapshot();
    const result = await applyEdits(root, [replace("src/dup.ts", "x();\n", "z();\n")]);
    expect(result).toEqual({ ok: false, errors: [expect.stringContaining("matched 2 times")] });
    expect(await snapshot()).toEqual(before);
  });

  it("hints when only the indentation differs", async () => {
    const result = await applyEdits(root, [replace("src/a.ts", "  const a = 1;\n", "x\n")]);
    expect(result).toEqual({
      ok: false,
      errors: [expect.stringContaining("different indentation or spacing")],
    });
  });

  it("matches the file as earlier edits of the same answer left it", async () => {
    const result = await applyEdits(root, [
      write("src/a.ts", "first\n"),
      replace("src/a.ts", "const a = 1;\n", "x\n"),
    ]);
    expect(result).toEqual({ ok: false, errors: [expect.stringContaining("matched 0 times")] });
  });

  it("keeps replacement text literal (no $& expansion) and keeps CRLF files CRLF", async () => {
    await put("win.txt", "one\r\ntwo\r\nthree\r\n");
    const result = await applyEdits(root, [replace("win.txt", "two\n", "$& and $1\n")]);
    expect(result.ok).toBe(true);
    expect(await read("win.txt")).toBe("one\r\n$& and $1\r\nthree\r\n");
  });

  it("matches a last line that has no line break", async () => {
    await put("nolf.txt", "a\nb");
    expect((await applyEdits(root, [replace("nolf.txt", "b\n", "c\n")])).ok).toBe(true);
    expect(await read("nolf.txt")).toBe("a\nc");
  });

  it.each([
    ["../escape.txt", '".." is not allowed'],
    ["src/../../escape.txt", '".." is not allowed'],
    ["/etc/passwd", "absolute paths are not allowed"],
    [".git/config", "inside .git"],
    ["sub/.git/hooks/pre-commit", "inside .git"],
    ["src//a.ts", "not a normalised path"],
    ["src\\a.ts", "forward slashes"],
  ])("refuses the path %s", async (path, message) => {
    const before = await snapshot();
    const result = await applyEdits(root, [write("ok.txt", "fine\n"), write(path, "evil\n")]);
    expect(result).toEqual({ ok: false, errors: [expect.stringContaining(message)] });
    expect(await snapshot()).toEqual(before);
  });

  it("refuses to write through a symbolic link leading outside the root", async () => {
    await symlink(outside, join(root, "link"));
    await symlink(join(outside, "target.txt"), join(root, "file-link"));
    const result = await applyEdits(root, [
      write("link/x.txt", "evil\n"),
      write("file-link", "evil\n"),
    ]);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors).toHaveLength(2);
      for (const e of result.errors) expect(e).toMatch(/leading outside|dangling/);
    }
    expect(await readdir(outside)).toEqual([]);
  });

  it("refuses a symbolic link into .git", async () => {
    await mkdir(join(root, ".git"));
    await symlink(join(root, ".git"), join(root, "gitlink"));
    const result = await applyEdits(root, [write("gitlink/config", "evil\n")]);
    expect(result).toEqual({ ok: false, errors: [expect.stringContaining("into .git")] });
  });

  it("follows a symbolic link that stays inside the root", async () => {
    await symlink(join(root, "src"), join(root, "alias"));
    const result = await applyEdits(root, [
      replace("alias/a.ts", "const a = 1;\n", "const a = 9;\n"),
    ]);
    expect(result.ok).toBe(true);
    expect(await read("src/a.ts")).toContain("const a = 9;");
  });

  it("refuses to edit a folder, a missing file, or a binary file with SEARCH", async () => {
    await put("img.bin", Buffer.from([1, 0, 2, 0]));
    const result = await applyEdits(root, [
      write("src", "x\n"),
      replace("missing.ts", "a\n", "b\n"),
      replace("img.bin", "a\n", "b\n"),
      { kind: "delete", path: "gone.txt", line: 4 },
    ]);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors).toEqual([
        expect.stringContaining("is a folder"),
        expect.stringContaining("use WRITE to create it"),
        expect.stringContaining("binary file"),
        expect.stringContaining("does not exist"),
      ]);
    }
  });

  it("undoes the files already written when a later write fails", async () => {
    const before = await snapshot();
    // Both paths are free when checked, but "x" becomes a file before "x/y" needs it as a folder.
    const result = await applyEdits(root, [
      write("README.md", "changed\n"),
      write("x", "1\n"),
      write("x/y", "2\n"),
    ]);
    expect(result).toEqual({
      ok: false,
      errors: [expect.stringContaining("every change was undone")],
    });
    expect(await snapshot()).toEqual(before);
  });
});

describe("applyEditAnswer", () => {
  it("applies a whole answer and returns its summary", async () => {
    const answer = "Adds b.\n\n<<<<<<< WRITE src/b.ts\nexport const b = 1;\n>>>>>>> END\n";
    expect(await applyEditAnswer(root, answer)).toEqual({
      ok: true,
      files: ["src/b.ts"],
      summary: "Adds b.",
    });
  });

  it("returns malformed answers and failing edits as errors", async () => {
    expect(errorOf(await applyEditAnswer(root, "<<<<<<< WRITE a\nx\n"))).toContain("malformed");
    const failing = "<<<<<<< SEARCH src/a.ts\nnope\n=======\nx\n>>>>>>> REPLACE\n";
    expect(errorOf(await applyEditAnswer(root, failing))).toContain(
      "1 edit could not be applied, so none was",
    );
  });
});
