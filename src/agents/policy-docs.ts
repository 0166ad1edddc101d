import { realpath } from "node:fs/promises";
import type { ContextFile, SkippedFile } from "./context-files.js";
import { resolveInside } from "./safe-path.js";
import { readTextPrefix } from "./text-file.js";

/** Longest policy document included whole, in characters (about 5,000 tokens). */
export const DEFAULT_MAX_POLICY_CHARS = 20_000;

/** The policy documents that could be read, and those that could not. */
export interface PolicyDocs {
  readonly docs: ContextFile[];
  /** Paths that do not exist, are binary, or lead outside the repository. */
  readonly skipped: SkippedFile[];
}

/**
 * Reads the project's policy documents (repository-relative paths from quality_rules.yaml),
 * each cut at `maxChars` characters with the cut marked.
 */
export async function readPolicyDocs(
  root: string,
  paths: readonly string[],
  maxChars = DEFAULT_MAX_POLICY_CHARS,
): Promise<PolicyDocs> {
  const realRoot = await realpath(root);
  const docs: ContextFile[] = [];
  const skipped: SkippedFile[] = [];
  for (const path of paths) {
    const resolved = await resolveInside(realRoot, path);
    if (!resolved.ok) {
      skipped.push({ path, reason: resolved.error });
    } else if (resolved.path.kind !== "file") {
      skipped.push({ path, reason: resolved.path.kind === "missing" ? "not found" : "not a file" });
    } else {
      const read = await readTextPrefix(resolved.path.abs, maxChars);
      if (read.kind === "binary") skipped.push({ path, reason: "binary file" });
      else docs.push({ path: resolved.path.rel, content: read.content, truncated: read.truncated });
    }
  }
  return { docs, skipped };
}
