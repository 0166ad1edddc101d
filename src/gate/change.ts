import { access, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { ProcessRunner } from "../core/ports.js";
import { Git } from "../workspace/index.js";
import { NUMSTAT_PATCH_FLAGS, parseNumstatPatch } from "../workspace/numstat-patch.js";
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
  /** Untracked files that are not ignored, one by one: what the gate must not delete. */
  readonly untracked: readonly string[];
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

/** Untracked files of `cwd` that are not ignored, one by one (folders not collapsed). */
export async function listUntracked(runner: ProcessRunner, cwd: string): Promise<string[]> {
  return splitZ(
    await new Git(runner, cwd).run(["ls-files", "--others", "--exclude-standard", "-z"]),
  );
}

/**
 * Compares the working tree of `cwd` (tracked changes, staged or not, and untracked files that
 * are not ignored) with `ref`, without touching the index: one `git diff` for the file list,
 * line counts and changed lines, and one `ls-files` unless the caller already listed the
 * untracked files (describing the same tree against two commits lists them once).
 */
export async function describeChange(
  runner: ProcessRunner,
  cwd: string,
  ref: string,
  untrackedFiles?: readonly string[],
): Promise<WorkingChange> {
  const git = new Git(runner, cwd);
  const [out, untracked] = await Promise.all([
    git.run(
      [
        "diff",
        "-U0",
        "--no-color",
        "--no-ext-diff",
        "--no-renames",
        ...NUMSTAT_PATCH_FLAGS,
        ref,
        "--",
      ],
      {
        config: PLAIN_DIFF,
      },
    ),
    untrackedFiles ?? listUntracked(runner, cwd),
  ]);
  const { files: numstat, patch } = parseNumstatPatch(out);
  const changedLines = changedLinesFromDiff(patch);
  let lineCount = 0;
  // Binary files have no counts: one line each way.
  for (const f of numstat) lineCount += (f.added ?? 1) + (f.removed ?? 0);
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
  const files = [...new Set([...numstat.map((f) => f.path), ...untracked])].sort();
  const existing = new Set([...changedLines.keys(), ...untracked]);
  // A file whose only change is a deletion of lines has no entry in changedLines but exists.
  const existingFiles: string[] = [];
  for (const file of files) {
    if (existing.has(file) || (await fileExists(join(cwd, file)))) existingFiles.push(file);
  }
  return { files, existingFiles, changedLines, lineCount, untracked };
}

async function fileExists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
