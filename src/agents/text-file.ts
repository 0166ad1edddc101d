import { open } from "node:fs/promises";

/** Bytes inspected for NUL to decide that a file is binary (git uses the same heuristic). */
const BINARY_SNIFF_BYTES = 8000;

/** UTF-8 needs at most four bytes per character. */
const MAX_BYTES_PER_CHAR = 4;

export type TextRead =
  { kind: "text"; content: string; truncated: boolean; totalBytes: number } | { kind: "binary" };

/** True when the bytes look binary: a NUL byte in the first few kilobytes. */
export function looksBinary(bytes: Uint8Array): boolean {
  return bytes.subarray(0, BINARY_SNIFF_BYTES).includes(0);
}

/**
 * Reads at most `maxChars` characters of a text file without loading the rest of it, cut at the
 * last line break when it had to be cut. Binary files are reported, not read.
 */
export async function readTextPrefix(abs: string, maxChars: number): Promise<TextRead> {
  const handle = await open(abs, "r");
  try {
    const { size } = await handle.stat();
    const want = Math.min(size, Math.max(maxChars, 0) * MAX_BYTES_PER_CHAR + 1);
    const buffer = Buffer.alloc(Math.max(want, Math.min(size, BINARY_SNIFF_BYTES)));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const bytes = buffer.subarray(0, bytesRead);
    if (looksBinary(bytes)) return { kind: "binary" };
    const text = bytes.toString("utf8");
    if (bytesRead >= size && text.length <= maxChars) {
      return { kind: "text", content: text, truncated: false, totalBytes: size };
    }
    return { kind: "text", content: cutAtLine(text, maxChars), truncated: true, totalBytes: size };
  } finally {
    await handle.close();
  }
}

/** The first `maxChars` characters of `text`, shortened to end at a line break when there is one. */
export function cutAtLine(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const head = text.slice(0, Math.max(maxChars, 0));
  const lastBreak = head.lastIndexOf("\n");
  return lastBreak > 0 ? head.slice(0, lastBreak + 1) : head;
}
