import { posix } from "node:path";

function toPosix(path: string): string {
  return path.replace(/\\/g, "/");
}

function isAbsolute(path: string): boolean {
  return path.startsWith("/") || /^[A-Za-z]:\//.test(path);
}

/**
 * Normalises a path from a coverage report or a diff: forward slashes, no `./`, no `..` detours,
 * and relative to `root` when it is absolute and lies under `root`. Paths outside `root` stay
 * absolute so they never collide with a relative one.
 */
export function normaliseCoveragePath(path: string, root?: string): string {
  const p = posix.normalize(toPosix(path.trim()));
  if (root === undefined || root === "" || !isAbsolute(p)) return stripDot(p);
  const r = posix.normalize(toPosix(root)).replace(/\/+$/, "");
  const caseless = /^[A-Za-z]:\//.test(r);
  const [pc, rc] = caseless ? [p.toLowerCase(), r.toLowerCase()] : [p, r];
  if (pc === rc) return ".";
  if (pc.startsWith(`${rc}/`)) return p.slice(r.length + 1);
  return p;
}

function stripDot(p: string): string {
  return p.startsWith("./") ? p.slice(2) : p;
}

/** Joins a report's source directory and a file name relative to it. */
export function joinSourcePath(source: string, file: string): string {
  const f = toPosix(file);
  if (isAbsolute(f)) return f;
  return posix.join(toPosix(source), f);
}
