import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { SystemError } from "../core/errors.js";
import type { ProcessRunner } from "../core/ports.js";
import { looksBinary } from "../agents/text-file.js";
import type { TodoFinding } from "./findings.js";

/** Folders whose files are someone else's code or generated: never scanned. */
const SKIPPED_DIRS = new Set([
  "node_modules",
  "vendor",
  "vendored",
  "third_party",
  "third-party",
  "dist",
  "build",
  "coverage",
  ".orchestrator",
  ".git",
  "__pycache__",
  ".venv",
  "venv",
]);

/** Files larger than this are not read (minified bundles, data). */
const MAX_FILE_BYTES = 512 * 1024;

/**
 * A marker comment: a comment opener (`//`, `#`, `/*`, `*`, `<!--`, `--`, `;`) somewhere before
 * the tag on the line, the tag as a whole word, then the comment's text.
 */
const MARKER = /(?:\/\/|#|\/\*|^\s*\*|<!--|--|;)[^\n]*?\b(TODO|FIXME|XXX)\b[:\s)(-]*(.*)$/;

function skipped(path: string): boolean {
  return path.split("/").some((part) => SKIPPED_DIRS.has(part));
}

/** The marker comments of one file's text. */
export function findMarkers(file: string, text: string): TodoFinding[] {
  const found: TodoFinding[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const match = MARKER.exec(lines[i] ?? "");
    const tag = match?.[1];
    if (tag !== "TODO" && tag !== "FIXME" && tag !== "XXX") continue;
    const rest = (match?.[2] ?? "").replace(/\s*(?:\*\/|-->)\s*$/, "").trim();
    found.push({ kind: "todo", file, line: i + 1, tag, text: rest.slice(0, 200) });
  }
  return found;
}

/**
 * TODO, FIXME and XXX comments in the repository's files: tracked and untracked ones git does
 * not ignore, without vendored or generated folders, binary files or very large files.
 */
export async function scanMarkerComments(
  runner: ProcessRunner,
  repoRoot: string,
  options: { readonly max?: number; readonly signal?: AbortSignal | undefined } = {},
): Promise<TodoFinding[]> {
  const listed = await runner.run(
    "git",
    ["ls-files", "-z", "--cached", "--others", "--exclude-standard"],
    { cwd: repoRoot, ...(options.signal === undefined ? {} : { signal: options.signal }) },
  );
  if (listed.exitCode !== 0) {
    throw new SystemError(`git ls-files in ${repoRoot}: ${listed.stderr.trim()}`);
  }
  const files = [...new Set(listed.stdout.split("\0").filter((f) => f !== "" && !skipped(f)))];
  const max = options.max ?? 500;
  const found: TodoFinding[] = [];
  for (const file of files.sort()) {
    const abs = join(repoRoot, file);
    const info = await stat(abs).catch(() => undefined);
    // Deleted in the working tree, a symlink to a folder, or too big to be source.
    if (info === undefined || !info.isFile() || info.size > MAX_FILE_BYTES) continue;
    const bytes = await readFile(abs);
    if (looksBinary(bytes)) continue;
    found.push(...findMarkers(file, bytes.toString("utf8")));
    if (found.length >= max) return found.slice(0, max);
  }
  return found;
}
