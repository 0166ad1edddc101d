import { normalisePath, type Warning } from "./warnings.js";

/**
 * - `no-new`: only warnings new since the baseline block;
 * - `zero-in-touched`: new warnings block, and so does every warning in a touched file;
 * - `zero`: every warning blocks.
 */
export type WarningPolicy = "no-new" | "zero-in-touched" | "zero";

export interface WarningComparison {
  /** Current warnings beyond the baseline's count for their fingerprint. */
  newWarnings: Warning[];
  /** Baseline warnings beyond the current count for their fingerprint. */
  fixed: Warning[];
  /** What fails the check under the policy. */
  blocking: Warning[];
}

function byFingerprint(warnings: readonly Warning[]): Map<string, Warning[]> {
  const map = new Map<string, Warning[]>();
  for (const w of warnings) {
    const list = map.get(w.fingerprint);
    if (list) list.push(w);
    else map.set(w.fingerprint, [w]);
  }
  return map;
}

/**
 * The warnings of `ours` left over once each is paired with one of `theirs` (a multiset
 * difference per fingerprint). Pairs on the same line are made first, so that when a file gains
 * a duplicate, the one reported is the one on a line the other side does not have.
 */
function unmatched(ours: readonly Warning[], theirs: readonly Warning[]): Warning[] {
  const remaining = new Set(ours);
  const others = [...theirs];
  for (const w of ours) {
    const i = others.findIndex((o) => o.line === w.line);
    if (i >= 0) {
      others.splice(i, 1);
      remaining.delete(w);
    }
  }
  for (const w of ours) {
    if (others.length === 0) break;
    if (remaining.delete(w)) others.shift();
  }
  return ours.filter((w) => remaining.has(w));
}

function difference(ours: readonly Warning[], theirs: readonly Warning[]): Warning[] {
  const other = byFingerprint(theirs);
  const out: Warning[] = [];
  for (const [fp, list] of byFingerprint(ours)) out.push(...unmatched(list, other.get(fp) ?? []));
  const keep = new Set(out);
  return ours.filter((w) => keep.has(w));
}

/**
 * Compares warnings with the baseline's by fingerprint, counting duplicates (a file with one
 * more copy of a warning has one new warning). `touchedFiles` is required by `zero-in-touched`.
 */
export function compareWarnings(
  baseline: readonly Warning[],
  current: readonly Warning[],
  policy: WarningPolicy,
  touchedFiles?: readonly string[],
): WarningComparison {
  const newWarnings = difference(current, baseline);
  const fixed = difference(baseline, current);
  let blocking: Warning[];
  switch (policy) {
    case "no-new":
      blocking = newWarnings;
      break;
    case "zero":
      blocking = [...current];
      break;
    case "zero-in-touched": {
      if (touchedFiles === undefined) {
        throw new TypeError('The "zero-in-touched" warning policy needs the touched files');
      }
      const touched = new Set(touchedFiles.map((f) => normalisePath(f)));
      const fresh = new Set(newWarnings);
      blocking = current.filter((w) => fresh.has(w) || touched.has(normalisePath(w.file)));
      break;
    }
  }
  return { newWarnings, fixed, blocking };
}
