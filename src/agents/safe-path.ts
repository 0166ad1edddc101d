import type { Stats } from "node:fs";
import { lstat, realpath, stat } from "node:fs/promises";
import { isAbsolute, join, posix, relative, sep } from "node:path";

/** A repository-relative path checked to stay inside the repository. */
export interface ResolvedPath {
  /** The path as given, normalised (forward slashes, no leading `./`). */
  readonly rel: string;
  /** Absolute path with every existing symbolic link resolved; what to read and write. */
  readonly abs: string;
  /** Whether something exists at `abs`, and what. */
  readonly kind: "file" | "directory" | "other" | "missing";
}

export type PathCheck = { ok: true; path: ResolvedPath } | { ok: false; error: string };

/**
 * Checks the shape of a path a model or a user wrote: relative, normalised, without `..`, not
 * inside `.git`. Returns the normalised form (a leading `./` is dropped) or why it is refused.
 */
export function checkRelativePath(
  raw: string,
): { ok: true; rel: string } | { ok: false; error: string } {
  const quoted = JSON.stringify(raw);
  if (raw.trim() === "") return { ok: false, error: "empty path" };
  if (raw.includes("\0")) return { ok: false, error: `${quoted}: path contains a NUL byte` };
  if (raw.includes("\\")) {
    return { ok: false, error: `${quoted}: use forward slashes in paths` };
  }
  if (isAbsolute(raw) || /^[A-Za-z]:/.test(raw)) {
    return {
      ok: false,
      error: `${quoted}: absolute paths are not allowed; use a path relative to the repository root`,
    };
  }
  const rel = raw.replace(/^(\.\/)+/, "");
  const segments = rel.split("/");
  if (segments.includes("..")) {
    return {
      ok: false,
      error: `${quoted}: ".." is not allowed; the path must stay inside the repository`,
    };
  }
  if (posix.normalize(rel) !== rel || rel.endsWith("/") || segments.includes(".")) {
    return {
      ok: false,
      error: `${quoted}: not a normalised path (write it as ${JSON.stringify(posix.normalize(rel).replace(/\/$/, ""))})`,
    };
  }
  if (segments.some((s) => s.toLowerCase() === ".git")) {
    return { ok: false, error: `${quoted}: paths inside .git are not allowed` };
  }
  return { ok: true, rel };
}

/** True when `child` is `parent` or below it (both absolute, symlink-free). */
function isInside(parent: string, child: string): boolean {
  const r = relative(parent, child);
  return r === "" || (!r.startsWith(`..${sep}`) && r !== ".." && !isAbsolute(r));
}

function isInsideGitDir(realRoot: string, abs: string): boolean {
  const first = relative(realRoot, abs).split(sep)[0];
  return first?.toLowerCase() === ".git";
}

async function lstatOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    return await lstat(path);
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

/** True for "no such file" style errors, which mean "does not exist yet". */
export function isMissing(error: unknown): boolean {
  if (typeof error !== "object" || error === null || !("code" in error)) return false;
  return error.code === "ENOENT" || error.code === "ENOTDIR";
}

/**
 * Resolves a repository-relative path below `realRoot` (the root with its own symlinks already
 * resolved), following every symbolic link on the way and refusing any that leads outside the
 * root or into `.git`, or that dangles (writing through it would create a file elsewhere).
 */
export async function resolveInside(realRoot: string, raw: string): Promise<PathCheck> {
  const shape = checkRelativePath(raw);
  if (!shape.ok) return shape;
  const segments = shape.rel.split("/");
  let current = realRoot;
  for (let i = 0; i < segments.length; i++) {
    const candidate = join(current, segments[i] ?? "");
    const entry = await lstatOrUndefined(candidate);
    if (!entry) {
      return {
        ok: true,
        path: { rel: shape.rel, abs: join(candidate, ...segments.slice(i + 1)), kind: "missing" },
      };
    }
    if (entry.isSymbolicLink()) {
      let target: string;
      try {
        target = await realpath(candidate);
      } catch {
        return {
          ok: false,
          error: `${shape.rel}: ${segments.slice(0, i + 1).join("/")} is a dangling symbolic link`,
        };
      }
      if (!isInside(realRoot, target)) {
        return {
          ok: false,
          error: `${shape.rel}: ${segments.slice(0, i + 1).join("/")} is a symbolic link leading outside the repository`,
        };
      }
      current = target;
    } else {
      current = candidate;
    }
    if (i < segments.length - 1 && !(await stat(current)).isDirectory()) {
      return {
        ok: false,
        error: `${shape.rel}: ${segments.slice(0, i + 1).join("/")} is a file, not a folder`,
      };
    }
    if (isInsideGitDir(realRoot, current)) {
      return { ok: false, error: `${shape.rel}: resolves into .git, which is not allowed` };
    }
  }
  const final = await lstat(current);
  const kind = final.isFile() ? "file" : final.isDirectory() ? "directory" : "other";
  return { ok: true, path: { rel: shape.rel, abs: current, kind } };
}
