import { realpath } from "node:fs/promises";
import { isAbsolute } from "node:path";
import { escapePath, glob, isDynamicPattern } from "tinyglobby";
import { resolveInside } from "./safe-path.js";
import { readTextPrefix } from "./text-file.js";

/** Characters per token used to turn token budgets into character budgets. */
export const CHARS_PER_TOKEN = 4;

/** A file truncated to less than this many characters says too little to be worth including. */
const MIN_TRUNCATED_CHARS = 400;

/** Folders never read for context, wherever they are. */
const IGNORED_SEGMENTS = new Set([".git", "node_modules"]);
const IGNORE_GLOBS = ["**/.git/**", "**/node_modules/**"];

/** One file's text as given to a model. */
export interface ContextFile {
  /** Repository-relative path with forward slashes. */
  readonly path: string;
  readonly content: string;
  /** True when only the beginning of the file is included. */
  readonly truncated: boolean;
}

/** Files a prompt could not include, and why. */
export interface SkippedFile {
  readonly path: string;
  readonly reason: string;
}

/** The context files that fit a budget, most relevant first, and what was left out. */
export interface ContextBundle {
  readonly files: ContextFile[];
  /** Paths left out because the budget was used up. */
  readonly omitted: string[];
  /** Entries (as written) that matched no file. */
  readonly missing: string[];
  /** Files not included for another reason: binary, outside the repository, unreadable. */
  readonly skipped: SkippedFile[];
}

export interface CollectContextOptions {
  /** The repository (or worktree) root; entries are relative to it. */
  readonly root: string;
  /** Files, folders or glob patterns, relative to the root, most relevant first. */
  readonly contextFiles: readonly string[];
  /** Budget for the contents of all files together, in tokens (about 4 characters each). */
  readonly tokenBudget: number;
}

interface Expansion {
  /** Files named directly, in the order listed: the most relevant. */
  readonly explicit: string[];
  /** Files found through folders and patterns. */
  readonly expanded: string[];
  readonly missing: string[];
  readonly skipped: SkippedFile[];
}

function isIgnored(rel: string): boolean {
  return rel.split("/").some((s) => IGNORED_SEGMENTS.has(s));
}

async function globFiles(root: string, pattern: string): Promise<string[]> {
  const found = await glob(pattern, {
    cwd: root,
    dot: true,
    onlyFiles: true,
    followSymbolicLinks: false,
    expandDirectories: false,
    ignore: IGNORE_GLOBS,
  });
  return found.filter((p) => !isIgnored(p)).sort();
}

async function expandEntry(realRoot: string, entry: string, into: Expansion): Promise<void> {
  const trimmed = entry.trim().replace(/\/+$/, "");
  if (isDynamicPattern(trimmed)) {
    const pattern = trimmed.replace(/^(\.\/)+/, "");
    if (isAbsolute(pattern) || pattern.split("/").includes("..")) {
      into.skipped.push({ path: entry, reason: "patterns must stay inside the repository" });
      return;
    }
    // Each match is checked again (symbolic links included) before it is read.
    const files = await globFiles(realRoot, pattern);
    if (files.length === 0) into.missing.push(entry);
    into.expanded.push(...files);
    return;
  }
  const resolved = await resolveInside(realRoot, trimmed);
  if (!resolved.ok) into.skipped.push({ path: entry, reason: resolved.error });
  else if (isIgnored(resolved.path.rel)) {
    into.skipped.push({ path: entry, reason: "inside node_modules, not read" });
  } else if (resolved.path.kind === "file") into.explicit.push(resolved.path.rel);
  else if (resolved.path.kind === "directory") {
    const files = await globFiles(realRoot, `${escapePath(resolved.path.rel)}/**`);
    if (files.length === 0) into.missing.push(entry);
    into.expanded.push(...files);
  } else if (resolved.path.kind === "missing") into.missing.push(entry);
  else into.skipped.push({ path: entry, reason: "not a regular file" });
}

/**
 * Reads the context files of a task or step within a token budget: files named directly come
 * first, then files found through folders and glob patterns, each at most once. A file that
 * does not fit is cut at a line break (and marked) when enough budget is left, otherwise listed
 * as omitted. Binary files, `.git`, `node_modules` and paths leading outside the root are skipped.
 */
export async function collectContext(options: CollectContextOptions): Promise<ContextBundle> {
  const realRoot = await realpath(options.root);
  const expansion: Expansion = { explicit: [], expanded: [], missing: [], skipped: [] };
  for (const entry of options.contextFiles) await expandEntry(realRoot, entry, expansion);
  const ordered = [...new Set([...expansion.explicit, ...expansion.expanded])];
  const files: ContextFile[] = [];
  const omitted: string[] = [];
  let remaining = Math.max(0, Math.floor(options.tokenBudget * CHARS_PER_TOKEN));
  for (const rel of ordered) {
    if (remaining === 0) {
      omitted.push(rel);
      continue;
    }
    const resolved = await resolveInside(realRoot, rel);
    if (!resolved.ok) {
      expansion.skipped.push({ path: rel, reason: resolved.error });
      continue;
    }
    const read = await readTextPrefix(resolved.path.abs, remaining);
    if (read.kind === "binary") {
      expansion.skipped.push({ path: rel, reason: "binary file" });
    } else if (!read.truncated) {
      files.push({ path: rel, content: read.content, truncated: false });
      remaining -= read.content.length;
    } else if (remaining >= MIN_TRUNCATED_CHARS) {
      files.push({ path: rel, content: read.content, truncated: true });
      remaining = 0;
    } else {
      omitted.push(rel);
    }
  }
  return { files, omitted, missing: expansion.missing, skipped: expansion.skipped };
}
