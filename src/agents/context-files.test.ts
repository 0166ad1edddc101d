import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { collectContext } from "./context-files.js";
import { compactFileTree, gitignoreToGlobs } from "./file-tree.js";
import { readPolicyDocs } from "./policy-docs.js";

let root: string;
let outside: string;

async function put(path: string, content: string | Buffer): Promise<void> {
  await mkdir(dirname(join(root, path)), { recursive: true });
  await writeFile(join(root, path), content);
}

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "agents-context-"));
  outside = await mkdtemp(join(tmpdir(), "agents-outside-"));
  await put("docs/PLAN.md", "# Plan\n\nPhase 2.\n");
  await put("src/search/a.py", "def a():\n    return 1\n");
  await put("src/search/b.py", "def b():\n    return 2\n");
  await put("src/search/logo.png", Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 1]));
  await put("src/search/node_modules/dep/index.js", "module.exports = 1;\n");
  await put(".git/config", "[core]\n");
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
  await rm(outside, { recursive: true, force: true });
});

describe("collectContext", () => {
  it("reads files, folders and globs, listed files first, skipping binaries and node_modules", async () => {
    const bundle = await collectContext({
      root,
      contextFiles: ["src/search/", "docs/PLAN.md", "src/**/b.py", "missing/", "docs/*.txt"],
      tokenBudget: 10_000,
    });
    expect(bundle.files.map((f) => f.path)).toEqual([
      "docs/PLAN.md",
      "src/search/a.py",
      "src/search/b.py",
    ]);
    expect(bundle.files[0]).toEqual({
      path: "docs/PLAN.md",
      content: "# Plan\n\nPhase 2.\n",
      truncated: false,
    });
    expect(bundle.skipped).toEqual([{ path: "src/search/logo.png", reason: "binary file" }]);
    expect(bundle.missing).toEqual(["missing/", "docs/*.txt"]);
    expect(bundle.omitted).toEqual([]);
  });

  it("truncates at a line break when the budget runs out, then omits the rest", async () => {
    const long = Array.from({ length: 200 }, (_, i) => `line ${i} of the big file`).join("\n");
    await put("big.txt", long);
    const bundle = await collectContext({
      root,
      contextFiles: ["big.txt", "docs/PLAN.md"],
      tokenBudget: 250, // 1,000 characters
    });
    const big = bundle.files[0];
    expect(big?.truncated).toBe(true);
    expect(big?.content.length).toBeLessThanOrEqual(1000);
    expect(big?.content.endsWith("\n")).toBe(true);
    expect(long.startsWith(big?.content ?? "x")).toBe(true);
    expect(bundle.omitted).toEqual(["docs/PLAN.md"]);
  });

  it("includes small files whole and omits a big one when too little budget is left", async () => {
    await put("big.txt", "x".repeat(5000));
    const bundle = await collectContext({
      root,
      contextFiles: ["docs/PLAN.md", "big.txt", "src/search/a.py"],
      tokenBudget: 20, // 80 characters: PLAN.md and a.py fit, big.txt does not
    });
    expect(bundle.files.map((f) => f.path)).toEqual(["docs/PLAN.md", "src/search/a.py"]);
    expect(bundle.omitted).toEqual(["big.txt"]);
  });

  it("does not follow entries out of the repository or into .git", async () => {
    await writeFile(join(outside, "secret.txt"), "secret\n");
    await symlink(join(outside, "secret.txt"), join(root, "leak.txt"));
    const bundle = await collectContext({
      root,
      contextFiles: ["../x", "/etc/hostname", ".git/config", "leak.txt", "*.txt"],
      tokenBudget: 1000,
    });
    expect(bundle.files).toEqual([]);
    expect(bundle.skipped.map((s) => s.path)).toEqual([
      "../x",
      "/etc/hostname",
      ".git/config",
      "leak.txt",
    ]);
    expect(bundle.skipped[3]?.reason).toContain("leading outside the repository");
  });
});

describe("compactFileTree", () => {
  it("lists files folders-first, skipping .git, node_modules and ignored paths", async () => {
    await put(".gitignore", "build/\n*.log\n");
    await put("build/out.js", "x");
    await put("debug.log", "x");
    await put(".orchestrator/state.db", "x");
    expect(await compactFileTree(root)).toBe(
      [
        "docs/",
        "  PLAN.md",
        "src/",
        "  search/",
        "    a.py",
        "    b.py",
        "    logo.png",
        ".gitignore",
      ].join("\n"),
    );
  });

  it("collapses deep folders into counts to stay within maxEntries", async () => {
    expect(await compactFileTree(root, 4)).toBe(
      ["docs/", "  PLAN.md", "src/", "  search/ (3 files)"].join("\n"),
    );
    expect(await compactFileTree(root, 2)).toBe(["docs/ (1 file)", "src/ (3 files)"].join("\n"));
  });

  it("cuts the top level with a note when even that is too long", async () => {
    for (let i = 0; i < 5; i++) await put(`f${i}.txt`, "x");
    const tree = await compactFileTree(root, 3);
    expect(tree.split("\n")).toEqual([
      "docs/ (1 file)",
      "src/ (3 files)",
      "f0.txt",
      "… 4 more entries not shown",
    ]);
  });

  it("turns simple .gitignore lines into globs", () => {
    expect(gitignoreToGlobs("# c\n\n/dist\nbuild/\n*.log\n!keep.log\na/b\n")).toEqual([
      "dist/**",
      "dist",
      "**/build/**",
      "**/*.log/**",
      "**/*.log",
      "a/b/**",
      "a/b",
    ]);
  });
});

describe("readPolicyDocs", () => {
  it("reads the documents, cuts long ones, and lists what it could not read", async () => {
    await put("POLICY.md", "rule one\nrule two\nrule three\n");
    const docs = await readPolicyDocs(
      root,
      ["POLICY.md", "docs/PLAN.md", "NOPE.md", "../x.md"],
      20,
    );
    expect(docs.docs).toEqual([
      { path: "POLICY.md", content: "rule one\nrule two\n", truncated: true },
      { path: "docs/PLAN.md", content: "# Plan\n\nPhase 2.\n", truncated: false },
    ]);
    expect(docs.skipped.map((s) => s.path)).toEqual(["NOPE.md", "../x.md"]);
    expect(docs.skipped[0]?.reason).toBe("not found");
    expect(docs.skipped[1]?.reason).toContain('".." is not allowed');
  });
});
