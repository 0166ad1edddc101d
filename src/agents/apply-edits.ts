import { chmod, mkdir, readFile, realpath, rm, stat, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { Edit } from "./edit-format.js";
import { isMissing, resolveInside } from "./safe-path.js";
import { looksBinary } from "./text-file.js";

/** Which files an answer changed, or every reason it could not be applied (nothing written). */
export type ApplyResult = { ok: true; files: string[] } | { ok: false; errors: string[] };

type Eol = "\n" | "\r\n";

/** What a file will be after the edits so far. */
type Planned =
  | { readonly kind: "text"; readonly text: string }
  | { readonly kind: "absent" }
  /** Left as it is on disk, and not editable as text (binary, not UTF-8). */
  | { readonly kind: "opaque"; readonly reason: string };

/** One file as the edits of an answer see it: its bytes on disk and its planned content. */
interface FileState {
  readonly rel: string;
  readonly abs: string;
  /** Bytes and mode on disk before the answer; null when the file did not exist. */
  readonly original: { readonly bytes: Buffer; readonly mode: number } | null;
  readonly eol: Eol;
  planned: Planned;
}

const QUOTED_LINES = 3;
const QUOTED_LINE_CHARS = 120;

function where(edit: Edit): string {
  const marker = edit.kind === "write" ? "WRITE" : edit.kind === "replace" ? "SEARCH" : "DELETE";
  return `${edit.path} (${marker} at answer line ${edit.line})`;
}

async function loadState(rel: string, abs: string, exists: boolean): Promise<FileState> {
  if (!exists) return { rel, abs, original: null, eol: "\n", planned: { kind: "absent" } };
  const bytes = await readFile(abs);
  const original = { bytes, mode: (await stat(abs)).mode };
  const text = bytes.toString("utf8");
  const eol: Eol = text.includes("\r\n") ? "\r\n" : "\n";
  if (looksBinary(bytes))
    return { rel, abs, original, eol, planned: { kind: "opaque", reason: "binary file" } };
  if (!Buffer.from(text, "utf8").equals(bytes)) {
    return {
      rel,
      abs,
      original,
      eol,
      planned: { kind: "opaque", reason: "file that is not valid UTF-8" },
    };
  }
  return { rel, abs, original, eol, planned: { kind: "text", text } };
}

function withEol(text: string, eol: Eol): string {
  return eol === "\n" ? text : text.replace(/\r?\n/g, "\r\n");
}

function occurrences(haystack: string, needle: string): number {
  let count = 0;
  for (
    let at = haystack.indexOf(needle);
    at >= 0;
    at = haystack.indexOf(needle, at + needle.length)
  )
    count++;
  return count;
}

/**
 * Replaces the one occurrence of `search` in `current`: as written, else with the file's CRLF
 * line ends; a last line without a line break still matches a search ending in one. When no
 * form matches exactly once, returns how often the search text as written matched.
 */
export function replaceOnce(
  current: string,
  search: string,
  replace: string,
  eol: Eol,
): { ok: true; text: string } | { ok: false; count: number } {
  const forms: [string, string][] = [[search, replace]];
  if (eol === "\r\n") forms.push([withEol(search, eol), withEol(replace, eol)]);
  const padded = !current.endsWith("\n");
  const haystack = padded ? current + eol : current;
  for (const [s, r] of forms) {
    if (occurrences(haystack, s) !== 1) continue;
    const at = haystack.indexOf(s);
    // Slices, not String.replace: `$&` and friends in model output must stay literal.
    let text = haystack.slice(0, at) + r + haystack.slice(at + s.length);
    if (padded && text.endsWith(eol)) text = text.slice(0, -eol.length);
    return { ok: true, text };
  }
  return { ok: false, count: occurrences(haystack, search) };
}

function quoteStart(text: string): string {
  return text
    .split("\n")
    .slice(0, QUOTED_LINES)
    .map((l) => `    | ${l.length > QUOTED_LINE_CHARS ? `${l.slice(0, QUOTED_LINE_CHARS)}…` : l}`)
    .join("\n");
}

/** True when the search lines occur in the text once spacing around each line is ignored. */
function matchesIgnoringSpacing(text: string, search: string): boolean {
  const norm = (t: string): string =>
    t
      .split(/\r?\n/)
      .map((l) => l.trim())
      .join("\n");
  const needle = norm(search).replace(/\n+$/, "");
  return needle !== "" && norm(text).includes(needle);
}

function searchError(edit: Edit & { kind: "replace" }, text: string, count: number): string {
  const times = count === 1 ? "once" : `${count} times`;
  const advice =
    count > 1
      ? "Include more surrounding lines so that it is unique."
      : matchesIgnoringSpacing(text, edit.search)
        ? "The lines do occur with different indentation or spacing: copy them exactly."
        : "Copy the lines exactly from the file as it is now (after the earlier edits of this answer).";
  return (
    `${where(edit)}: the SEARCH text matched ${count === 0 ? "0 times" : times} in the file's current content; ` +
    `it must match exactly once. ${advice} The search text begins:\n${quoteStart(edit.search)}`
  );
}

/** Applies one edit to its file's planned content; returns an error message or undefined. */
function applyInMemory(edit: Edit, state: FileState): string | undefined {
  const planned = state.planned;
  if (edit.kind === "write") {
    state.planned = { kind: "text", text: withEol(edit.content, state.eol) };
    return undefined;
  }
  if (edit.kind === "delete") {
    if (planned.kind === "absent") return `${where(edit)}: the file does not exist`;
    state.planned = { kind: "absent" };
    return undefined;
  }
  if (planned.kind === "opaque")
    return `${where(edit)}: cannot edit a ${planned.reason} with SEARCH; use WRITE`;
  if (planned.kind === "absent") {
    if (edit.search === "") {
      state.planned = { kind: "text", text: withEol(edit.replace, state.eol) };
      return undefined;
    }
    return `${where(edit)}: the file does not exist; use WRITE to create it`;
  }
  if (edit.search === "") {
    return `${where(edit)}: the SEARCH text is empty; quote the lines to replace, or use WRITE for the whole file`;
  }
  const result = replaceOnce(planned.text, edit.search, edit.replace, state.eol);
  if (!result.ok) return searchError(edit, planned.text, result.count);
  state.planned = { kind: "text", text: result.text };
  return undefined;
}

/** Validates every edit and computes every new file content, touching nothing on disk. */
async function planEdits(
  root: string,
  edits: readonly Edit[],
): Promise<{ states: FileState[]; errors: string[] }> {
  const realRoot = await realpath(root);
  const byAbs = new Map<string, FileState>();
  const errors: string[] = [];
  for (const edit of edits) {
    const resolved = await resolveInside(realRoot, edit.path);
    if (!resolved.ok) {
      errors.push(`${where(edit)}: ${resolved.error}`);
      continue;
    }
    const { rel, abs, kind } = resolved.path;
    if (kind === "directory" || kind === "other") {
      errors.push(
        `${where(edit)}: ${rel} is ${kind === "directory" ? "a folder" : "not a regular file"}`,
      );
      continue;
    }
    let state = byAbs.get(abs);
    if (!state) {
      state = await loadState(rel, abs, kind === "file");
      byAbs.set(abs, state);
    }
    const error = applyInMemory(edit, state);
    if (error !== undefined) errors.push(error);
  }
  return { states: [...byAbs.values()], errors };
}

async function removeIfPresent(path: string, recursive = false): Promise<void> {
  try {
    await rm(path, { recursive, force: true });
  } catch (error) {
    if (!isMissing(error)) throw error;
  }
}

/** Puts back what `written` changed: original bytes and modes, created files and folders removed. */
async function rollBack(
  written: readonly FileState[],
  createdDirs: readonly string[],
): Promise<void> {
  for (const state of [...written].reverse()) {
    if (state.original) {
      await writeFile(state.abs, state.original.bytes);
      await chmod(state.abs, state.original.mode);
    } else {
      await removeIfPresent(state.abs);
    }
  }
  for (const dir of [...createdDirs].reverse()) await removeIfPresent(dir, true);
}

async function writeState(state: FileState, createdDirs: string[]): Promise<void> {
  if (state.planned.kind === "absent") {
    if (state.original) await rm(state.abs);
    return;
  }
  if (state.planned.kind === "opaque") return;
  const created = await mkdir(dirname(state.abs), { recursive: true });
  if (created !== undefined) createdDirs.push(created);
  await writeFile(state.abs, state.planned.text);
}

/**
 * Applies an answer's edits ALL-OR-NOTHING. Every edit is validated first — the path relative,
 * normalised, inside `root` once symbolic links are resolved and not in `.git`; a SEARCH text
 * matching exactly once in the file as the earlier edits left it — and every new content is
 * computed in memory. Only when all succeed are files written (folders created as needed); if a
 * write fails, the files already written are restored. Returns the changed paths in edit order.
 */
export async function applyEdits(root: string, edits: readonly Edit[]): Promise<ApplyResult> {
  const { states, errors } = await planEdits(root, edits);
  if (errors.length > 0) return { ok: false, errors };
  const written: FileState[] = [];
  const createdDirs: string[] = [];
  try {
    for (const state of states) {
      written.push(state);
      await writeState(state, createdDirs);
    }
  } catch (error) {
    await rollBack(written, createdDirs);
    const message = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      errors: [`writing the edits failed, and every change was undone: ${message}`],
    };
  }
  return { ok: true, files: states.map((s) => s.rel) };
}
