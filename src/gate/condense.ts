import { stripVTControlCharacters } from "node:util";
import type { CheckSpec } from "../core/project-config.js";
import {
  ALL_EXTRACTORS,
  TEST_EXTRACTORS,
  eslint,
  typescript,
  type Extractor,
} from "./extractors.js";

/** Lines kept in a summary unless the caller asks otherwise. */
export const DEFAULT_MAX_LINES = 40;
/** Characters kept in a summary; it goes into a prompt, so it must stay small. */
const MAX_CHARS = 4_000;
/** Characters kept of one line (minified code and long stack lines). */
const MAX_LINE_CHARS = 300;
/** Lines shown when no known tool's format is recognised. */
const FALLBACK_LINES = 20;

/** Splits output into lines as a terminal would show them: no escapes, no overwritten text. */
export function cleanLines(output: string): string[] {
  return stripVTControlCharacters(output)
    .replace(/\r\n/g, "\n")
    .split("\n")
    .map((line) => (line.split("\r").at(-1) ?? "").trimEnd());
}

/** The last `count` non-blank lines. */
export function tailLines(lines: readonly string[], count: number): string[] {
  return lines.filter((line) => line.trim() !== "").slice(-count);
}

/**
 * Extractor groups to try in order: the tools a check of this kind usually runs, then every
 * known tool (a `tests` check may well be `npm test`, which lints first).
 */
function extractorsFor(kind: CheckSpec["kind"]): (readonly Extractor[])[] {
  switch (kind) {
    case "tests":
      return [TEST_EXTRACTORS, ALL_EXTRACTORS];
    case "lint":
      return [[eslint], ALL_EXTRACTORS];
    case "typecheck":
      return [[typescript], ALL_EXTRACTORS];
    default:
      return [ALL_EXTRACTORS];
  }
}

function pickLines(kind: CheckSpec["kind"], lines: readonly string[]): string[] {
  for (const group of extractorsFor(kind)) {
    const picked = new Set(group.flatMap((extract) => extract(lines)));
    if (picked.size > 0) {
      return [...picked].sort((a, b) => a - b).map((i) => lines[i] ?? "");
    }
  }
  return tailLines(lines, FALLBACK_LINES);
}

function shortenLine(line: string): string {
  return line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS)} ...` : line;
}

/** Keeps at most `maxLines` lines and about {@link MAX_CHARS} characters, saying what was cut. */
export function capLines(lines: readonly string[], maxLines: number, logFile?: string): string {
  const kept = lines.slice(0, Math.max(0, maxLines)).map(shortenLine);
  let size = kept.reduce((sum, line) => sum + line.length + 1, 0);
  while (kept.length > 0 && size > MAX_CHARS) {
    size -= (kept.pop() ?? "").length + 1;
  }
  const more = lines.length - kept.length;
  if (more === 0) return kept.join("\n");
  const note = `... (${more} more lines, see ${logFile ?? "the full log"})`;
  return [...kept, note].join("\n");
}

/**
 * Picks the lines of a check's output that tell an implementer what failed: failing test names
 * with their assertion messages (node --test, vitest, jest, pytest), ESLint problems with file,
 * position and rule, tsc and mypy errors. Output in no known format is reduced to its last
 * lines. Escape codes are removed and the result is capped at `maxLines` lines and about 4000
 * characters; `logFile` is named in the note about what was cut.
 */
export function condenseOutput(
  kind: CheckSpec["kind"],
  output: string,
  maxLines: number = DEFAULT_MAX_LINES,
  logFile?: string,
): string {
  return capLines(pickLines(kind, cleanLines(output)), maxLines, logFile);
}
