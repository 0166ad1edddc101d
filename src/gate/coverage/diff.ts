import { normaliseCoveragePath } from "./paths.js";

const HUNK = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;
const PREFIXED = /^[abciwo]\//;

/** Undoes git's C-style quoting of unusual paths (`"b/t\303\251st.ts"`). */
function unquote(path: string): string {
  if (!(path.startsWith('"') && path.endsWith('"') && path.length >= 2)) return path;
  const bytes: number[] = [];
  const body = path.slice(1, -1);
  const simple: Readonly<Record<string, number>> = {
    n: 10,
    t: 9,
    r: 13,
    a: 7,
    b: 8,
    f: 12,
    v: 11,
    '"': 34,
    "\\": 92,
  };
  for (let i = 0; i < body.length; i++) {
    const c = body[i] ?? "";
    if (c !== "\\") {
      bytes.push(...Buffer.from(c, "utf8"));
      continue;
    }
    const next = body[i + 1] ?? "";
    const octal = /^[0-7]{3}/.exec(body.slice(i + 1, i + 4));
    if (octal !== null) {
      bytes.push(parseInt(octal[0], 8));
      i += 3;
    } else {
      bytes.push(simple[next] ?? next.charCodeAt(0));
      i += 1;
    }
  }
  return Buffer.from(bytes).toString("utf8");
}

/** The path of a `+++`/`---` line, or `null` for /dev/null. */
function headerPath(rest: string): string | null {
  // Non-git diffs may append a tab and a timestamp.
  const raw = rest.startsWith('"') ? rest : (rest.split("\t")[0] ?? rest);
  const path = unquote(raw.trim());
  if (path === "/dev/null") return null;
  return normaliseCoveragePath(path.replace(PREFIXED, ""));
}

/**
 * Parses a unified diff (best with `git diff -U0`, any context size works) into the lines each
 * file has in the new version: added and modified lines, keyed by the new path. Deleted files
 * and pure renames add no lines and are left out; a renamed file's lines are under its new name.
 * Counts from the hunk headers decide where each hunk ends, so removed lines that look like
 * headers (`--- x`) are not misread; `\ No newline at end of file` markers are skipped.
 */
export function changedLinesFromDiff(unifiedDiff: string): Map<string, Set<number>> {
  const out = new Map<string, Set<number>>();
  let file: string | null = null;
  let oldLeft = 0;
  let newLeft = 0;
  let newLine = 0;
  const add = (line: number): void => {
    if (file === null) return;
    let set = out.get(file);
    if (set === undefined) {
      set = new Set();
      out.set(file, set);
    }
    set.add(line);
  };
  for (const line of unifiedDiff.split(/\r?\n/)) {
    if (oldLeft > 0 || newLeft > 0) {
      const tag = line[0];
      if (tag === "+") {
        add(newLine++);
        newLeft--;
      } else if (tag === "-") {
        oldLeft--;
      } else if (tag === " " || line === "") {
        // An empty line is a context line whose leading space was stripped (e.g. by an editor).
        newLine++;
        oldLeft--;
        newLeft--;
      }
      // "\ No newline at end of file" and anything else: no line of either side.
      continue;
    }
    if (line.startsWith("diff --git ")) {
      file = null;
    } else if (line.startsWith("+++ ")) {
      file = headerPath(line.slice(4));
    } else if (line.startsWith("rename to ")) {
      file = normaliseCoveragePath(unquote(line.slice("rename to ".length).trim()));
    } else {
      const m = HUNK.exec(line);
      if (m !== null) {
        oldLeft = m[2] === undefined ? 1 : Number(m[2]);
        newLeft = m[4] === undefined ? 1 : Number(m[4]);
        newLine = Number(m[3]);
      }
    }
  }
  return out;
}
