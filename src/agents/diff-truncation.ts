import { cutAtLine } from "./text-file.js";

/** Default cap on the diff shown to the code reviewer, in characters (about 15,000 tokens). */
export const DEFAULT_MAX_DIFF_CHARS = 60_000;

/** A diff cut to fit a prompt, and what the cut left out. */
export interface TruncatedDiff {
  readonly text: string;
  readonly truncated: boolean;
  readonly totalChars: number;
  /** Every file the whole diff changes, in order. */
  readonly files: string[];
  /** Files whose changes are not shown at all. */
  readonly hiddenFiles: string[];
}

const FILE_HEADER = /^diff --git a\/(.+?) b\/(.+)$/gm;

/** The changed files of a unified git diff, from its `diff --git` headers. */
export function diffFiles(diff: string): { path: string; at: number }[] {
  return [...diff.matchAll(FILE_HEADER)].map((m) => ({ path: m[2] ?? m[1] ?? "", at: m.index }));
}

/** Cuts a unified diff at a line break to at most `maxChars`, listing the files left out. */
export function truncateDiff(diff: string, maxChars = DEFAULT_MAX_DIFF_CHARS): TruncatedDiff {
  const headers = diffFiles(diff);
  const files = [...new Set(headers.map((h) => h.path))];
  if (diff.length <= maxChars) {
    return { text: diff, truncated: false, totalChars: diff.length, files, hiddenFiles: [] };
  }
  const text = cutAtLine(diff, maxChars);
  const hiddenFiles = [...new Set(headers.filter((h) => h.at >= text.length).map((h) => h.path))];
  return { text, truncated: true, totalChars: diff.length, files, hiddenFiles };
}
