import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { glob } from "tinyglobby";
import { isMissing } from "./safe-path.js";

/** Never shown: version control, dependencies, the orchestrator's own state, build output. */
const ALWAYS_IGNORED = [
  ".git",
  "node_modules",
  ".orchestrator",
  ".venv",
  "venv",
  "__pycache__",
  ".mypy_cache",
  ".pytest_cache",
  ".ruff_cache",
  ".tox",
  ".cache",
  ".next",
  "coverage",
];

interface DirNode {
  readonly dirs: Map<string, DirNode>;
  readonly files: string[];
  fileCount: number;
}

function newDir(): DirNode {
  return { dirs: new Map(), files: [], fileCount: 0 };
}

/**
 * Turns the simple forms of root `.gitignore` lines into glob ignore patterns. Negations and
 * nested `.gitignore` files are not supported: the tree is a hint for a model, not an index.
 */
export function gitignoreToGlobs(text: string): string[] {
  const globs: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith("!")) continue;
    const dirOnly = line.endsWith("/");
    const body = line.replace(/^\/+/, "").replace(/\/+$/, "");
    if (body === "") continue;
    const anchored = line.startsWith("/") || body.includes("/");
    const base = anchored ? body : `**/${body}`;
    globs.push(`${base}/**`);
    if (!dirOnly) globs.push(base);
  }
  return globs;
}

async function rootGitignore(root: string): Promise<string[]> {
  try {
    return gitignoreToGlobs(await readFile(join(root, ".gitignore"), "utf8"));
  } catch (error) {
    if (isMissing(error)) return [];
    throw error;
  }
}

function buildTree(paths: readonly string[]): { tree: DirNode; depth: number } {
  const tree = newDir();
  let depth = 1;
  for (const path of paths) {
    const parts = path.split("/");
    depth = Math.max(depth, parts.length);
    let node = tree;
    node.fileCount++;
    for (const part of parts.slice(0, -1)) {
      let child = node.dirs.get(part);
      if (!child) {
        child = newDir();
        node.dirs.set(part, child);
      }
      child.fileCount++;
      node = child;
    }
    node.files.push(parts[parts.length - 1] ?? path);
  }
  return { tree, depth };
}

/** Lines of the tree with folders deeper than `maxDepth` collapsed into a file count. */
function renderTree(node: DirNode, maxDepth: number, level = 0): string[] {
  const indent = "  ".repeat(level);
  const lines: string[] = [];
  for (const [name, child] of [...node.dirs].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (level + 1 >= maxDepth) {
      lines.push(
        `${indent}${name}/ (${child.fileCount} ${child.fileCount === 1 ? "file" : "files"})`,
      );
    } else {
      lines.push(`${indent}${name}/`, ...renderTree(child, maxDepth, level + 1));
    }
  }
  for (const file of [...node.files].sort()) lines.push(`${indent}${file}`);
  return lines;
}

/**
 * A compact, indented tree of the repository's files (folders first), skipping `.git`,
 * `node_modules`, `.orchestrator`, common caches and what the root `.gitignore` ignores. When it
 * would be longer than `maxEntries` lines, deeper folders are collapsed into "name/ (N files)";
 * if even the top level is too long, the list is cut with a note.
 */
export async function compactFileTree(root: string, maxEntries = 200): Promise<string> {
  const ignore = [
    ...ALWAYS_IGNORED.flatMap((d) => [`**/${d}/**`, `**/${d}`]),
    ...(await rootGitignore(root)),
  ];
  const paths = await glob("**", {
    cwd: root,
    dot: true,
    onlyFiles: true,
    followSymbolicLinks: false,
    ignore,
  });
  if (paths.length === 0) return "(no files)";
  const { tree, depth } = buildTree(paths);
  const limit = Math.max(1, maxEntries);
  for (let d = depth; d >= 1; d--) {
    const lines = renderTree(tree, d);
    if (lines.length <= limit) return lines.join("\n");
  }
  const lines = renderTree(tree, 1);
  const shown = lines.slice(0, limit);
  return [...shown, `… ${lines.length - shown.length} more entries not shown`].join("\n");
}
