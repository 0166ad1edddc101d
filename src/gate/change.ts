import { access, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { ProcessRunner } from "../core/ports.js";
import { Git } from "../workspace/index.js";
import { changedLinesFromDiff } from "./coverage/index.js";

/** How the working tree of a worktree differs from a commit. */
export interface WorkingChange {
  /** Every changed path (added, modified, deleted, untracked), repository-relative, sorted. */
  readonly files: readonly string[];
  /** Changed paths that exist now (what `{files}` stands for). */
  readonly existingFiles: readonly string[];
  /** Lines added or modified per file, in the new version (untracked files: all lines). */
  readonly changedLines: ReadonlyMap<string, ReadonlySet<number>>;
  /** Lines added plus lines removed. */
  readonly lineCount: number;
}

/** The user's diff settings must not change the format the parsers read. */
export const PLAIN_DIFF: Readonly<Record<string, string>> = {
  "diff.noprefix": "false",
  "diff.mnemonicPrefix": "false",
  "diff.relative": "false",
  "core.quotePath": "true",
};

function splitZ(text: string): string[] {
  return text.split("\0").filter((p) => p !== "");
}

/**
 * Compares the working tree of `cwd` (tracked changes, staged or not, and untracked files that
 * are not ignored) with `ref`, without touching the index.
 */
export async function describeChange(
  runner: ProcessRunner,
  cwd: string,
  ref: string,
): Promise<WorkingChange> {
  const git = new Git(runner, cwd);
  const common = ["--no-color", "--no-ext-diff", "--no-renames", ref, "--"];
  const config = PLAIN_DIFF;
  const [diff, names, numstat, untrackedOut] = await Promise.all([
    git.run(["diff", "-U0", ...common], { config }),
    git.run(["diff", "--name-only", "-z", ...common], { config }),
    git.run(["diff", "--numstat", ...common], { config }),
    git.run(["ls-files", "--others", "--exclude-standard", "-z"]),
  ]);
  const changedLines = changedLinesFromDiff(diff);
  let lineCount = 0;
  for (const line of numstat.split("\n")) {
    const [added, removed] = line.split("\t");
    // Binary files show "-": count them as one line each way.
    if (added !== undefined && removed !== undefined) {
      lineCount += (added === "-" ? 1 : Number(added)) + (removed === "-" ? 0 : Number(removed));
    }
  }
  const untracked = splitZ(untrackedOut);
  for (const file of untracked) {
    let text: string;
    try {
      text = await readFile(join(cwd, file), "utf8");
    } catch {
      continue;
    }
    const count = text === "" ? 0 : text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
    changedLines.set(file, new Set(Array.from({ length: count }, (_, i) => i + 1)));
    lineCount += count;
  }
  const files = [...new Set([...splitZ(names), ...untracked])].sort();
  const existing = new Set([...changedLines.keys(), ...untracked]);
  // A file whose only change is a deletion of lines has no entry in changedLines but exists.
  const existingFiles: string[] = [];
  for (const file of files) {
    if (existing.has(file) || (await fileExists(join(cwd, file)))) existingFiles.push(file);
  }
  return { files, existingFiles, changedLines, lineCount };
}

async function fileExists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
