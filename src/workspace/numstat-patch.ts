/** One file of `git diff --numstat -z`: lines added and removed (null for a binary file). */
export interface NumstatEntry {
  readonly path: string;
  readonly added: number | null;
  readonly removed: number | null;
}

/** The output of `git diff --numstat -z -p`: the per-file counts and the patch after them. */
export interface NumstatPatch {
  readonly files: readonly NumstatEntry[];
  readonly patch: string;
}

/**
 * The flags that make one `git diff` print both the file list with line counts and the patch,
 * instead of one process for each. Meant to go with `--no-renames`: a rename record has another
 * shape, which {@link parseNumstatPatch} rejects.
 */
export const NUMSTAT_PATCH_FLAGS = ["--numstat", "-z", "-p"] as const;

const count = (field: string): number | null => (field === "-" ? null : Number(field));

/**
 * Splits the output of `git diff --no-renames --numstat -z -p`: records `added\tremoved\tpath\0`,
 * an empty record, then the patch. Paths are as stored (no quoting). Empty output: no change.
 */
export function parseNumstatPatch(output: string): NumstatPatch {
  if (output === "") return { files: [], patch: "" };
  const end = output.indexOf("\0\0");
  if (end < 0) throw new Error("git diff --numstat -z -p: no end of the file list");
  const files = output
    .slice(0, end)
    .split("\0")
    .map((record): NumstatEntry => {
      // A path may itself hold tabs: only the first two split.
      const first = record.indexOf("\t");
      const second = first < 0 ? -1 : record.indexOf("\t", first + 1);
      const path = record.slice(second + 1);
      if (second < 0 || path === "") {
        throw new Error(`git diff --numstat -z: unexpected record ${JSON.stringify(record)}`);
      }
      return {
        path,
        added: count(record.slice(0, first)),
        removed: count(record.slice(first + 1, second)),
      };
    });
  return { files, patch: output.slice(end + 2) };
}
