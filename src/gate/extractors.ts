/**
 * Line pickers for the output of common tools. Each one returns the indexes of the lines worth
 * showing an implementer; {@link condenseOutput} merges them, keeping the original order, so a
 * check that runs several tools (an `npm test` that lints, type-checks and tests) still yields
 * every tool's failures.
 */
export type Extractor = (lines: readonly string[]) => number[];

/** Most lines kept from one error message or diagnostic block. */
const BLOCK_LINES = 6;

const ERROR_LINE = /^\s*(?:#\s*)?(?:\w*Error|Error)(?: \[\w+\])?: /;
const STACK_LINE = /^\s*at /;

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

function isBlank(line: string | undefined): boolean {
  return line === undefined || line.trim() === "";
}

/** Indexes matching any of the patterns. */
function matching(lines: readonly string[], patterns: readonly RegExp[]): number[] {
  const out: number[] = [];
  lines.forEach((line, i) => {
    if (patterns.some((p) => p.test(line))) out.push(i);
  });
  return out;
}

/** Picks the non-blank lines after `start` while `keep` holds, up to `max` of them. */
function following(
  lines: readonly string[],
  start: number,
  max: number,
  keep: (line: string) => boolean,
): number[] {
  const out: number[] = [];
  for (let i = start + 1; i < lines.length && out.length < max; i++) {
    const line = lines[i] ?? "";
    if (!keep(line)) break;
    if (!isBlank(line)) out.push(i);
  }
  return out;
}

/** A stack frame with a position in a file outside Node's internals. */
function isUserFrame(line: string): boolean {
  return /:\d+:\d+\)?$/.test(line) && !line.includes("node:");
}

/** TAP YAML keys of a failed `node --test` test that say what went wrong and where. */
const TAP_KEYS = new Set(["location", "error", "expected", "actual"]);

/** Picks the useful keys from the YAML diagnostic block after a TAP `not ok` line. */
function tapDiagnostics(lines: readonly string[], notOk: number): number[] {
  const open = lines[notOk + 1];
  if (open?.trim() !== "---") return [];
  const keyIndent = indentOf(open);
  const out: number[] = [];
  let key = "";
  let kept = 0;
  let stackFramePicked = false;
  for (let i = notOk + 2; i < lines.length; i++) {
    const line = lines[i] ?? "";
    if (line.trim() === "..." && indentOf(line) === keyIndent) break;
    if (isBlank(line)) continue;
    if (indentOf(line) === keyIndent) {
      key = /^\s*([\w-]+):/.exec(line)?.[1] ?? "";
      kept = 0;
      if (TAP_KEYS.has(key)) out.push(i);
      continue;
    }
    if (TAP_KEYS.has(key) && kept < BLOCK_LINES) {
      out.push(i);
      kept++;
    } else if (key === "stack" && !stackFramePicked && isUserFrame(line)) {
      // The first frame outside Node's internals is where the assertion was made.
      out.push(i);
      stackFramePicked = true;
    }
  }
  return out;
}

/** `node --test` with the TAP reporter (the default on Node 20 when not on a terminal). */
export const nodeTap: Extractor = (lines) => {
  const out = matching(lines, [/^#\s+fail\s+[1-9]/, /^#\s*(?:\w*Error)(?: \[\w+\])?: /]);
  lines.forEach((line, i) => {
    if (/^\s*not ok \d+ - /.test(line)) out.push(i, ...tapDiagnostics(lines, i));
  });
  return out;
};

/**
 * `node --test` with the spec reporter. It prints each failure twice; when the closing
 * "failing tests:" section is present only that copy is used.
 */
export const nodeSpec: Extractor = (lines) => {
  const summary = lines.findIndex((l) => l.startsWith("✖ failing tests:"));
  const from = summary === -1 ? 0 : summary + 1;
  const out: number[] = [];
  for (let i = from; i < lines.length; i++) {
    const line = lines[i] ?? "";
    if (/^\s*test at \S+:\d+:\d+/.test(line)) out.push(i);
    if (!/^\s*✖ .+ \([\d.]+m?s\)$/.test(line)) continue;
    out.push(i);
    const indent = indentOf(line);
    const inBlock = (l: string): boolean =>
      (isBlank(l) || indentOf(l) > indent) && !STACK_LINE.test(l);
    out.push(...following(lines, i, BLOCK_LINES, inBlock));
  }
  return out;
};

/** vitest: FAIL lines, failed-test marks, assertion errors, expected/received and locations. */
export const vitest: Extractor = (lines) => {
  const out = matching(lines, [
    /^\s*FAIL\s/,
    /^\s*[×✗]\s/,
    /^\s*❯ \S+:\d+(?::\d+)?\s*$/,
    /^\s*Tests?\s+\d+ failed/,
    /^\s*Test Files\s+\d+ failed/,
  ]);
  let failSeen = false;
  lines.forEach((line, i) => {
    failSeen ||= /^\s*FAIL\s/.test(line);
    if (/^\s*- Expected/.test(line) || /^\s*\+ Received/.test(line)) {
      out.push(i);
      out.push(...following(lines, i, BLOCK_LINES, (l) => isBlank(l) || /^\s*[-+] /.test(l)));
    } else if (failSeen && ERROR_LINE.test(line)) {
      // Any error (TypeError, ReferenceError, ...) printed under a FAIL heading.
      out.push(i);
    }
  });
  return out;
};

/** jest: each `● name` block up to its first stack frame, without the code frame. */
export const jest: Extractor = (lines) => {
  const out = matching(lines, [/^\s*FAIL\s/, /^Tests:\s+\d+ failed/]);
  lines.forEach((line, i) => {
    if (!/^\s*● /.test(line) || /^\s*● Console/.test(line)) return;
    out.push(i);
    let kept = 0;
    for (let j = i + 1; j < lines.length && kept < BLOCK_LINES + 2; j++) {
      const next = lines[j] ?? "";
      if (/^\s*● /.test(next)) break;
      if (isBlank(next) || /^\s*>?\s*\d+ \|/.test(next) || /^\s*\|/.test(next)) continue;
      out.push(j);
      kept++;
      if (STACK_LINE.test(next)) break;
    }
  });
  return out;
};

/** pytest: short summary lines, `E` lines, failing test headers and `file.py:N: Error` lines. */
export const pytest: Extractor = (lines) =>
  matching(lines, [
    /^(?:FAILED|ERROR) \S/,
    /^E\s{2,}\S/,
    /^_{3,} .+ _{3,}$/,
    /^\S+\.py:\d+: \w+/,
    /^=* ?\d+ (?:failed|errors?)\b.* in [\d.]+s/,
  ]);

/** ESLint's stylish format: the file header of each problem, the problems, the total. */
export const eslint: Extractor = (lines) => {
  const out = matching(lines, [/^✖ \d+ problems?/, /^ESLint found too many warnings/]);
  let header = -1;
  lines.forEach((line, i) => {
    if (/^\s+\d+:\d+\s+(?:error|warning)\s+\S/.test(line)) {
      if (header !== -1) out.push(header);
      out.push(i);
    } else if (!isBlank(line) && indentOf(line) === 0) {
      header = i;
    }
  });
  return out;
};

/** tsc (plain and `--pretty`), plus mypy-style `file:line: error:` lines. */
export const typescript: Extractor = (lines) => {
  const out = matching(lines, [/^Found \d+ errors?/]);
  lines.forEach((line, i) => {
    if (/^\S.*\(\d+,\d+\): error TS\d+: /.test(line)) {
      out.push(i);
      // tsc indents the elaboration of an error ("Type X is not assignable to ...").
      out.push(...following(lines, i, 3, (l) => !isBlank(l) && indentOf(l) > 0));
    } else if (
      /^\S+:\d+:\d+ - error TS\d+: /.test(line) ||
      /^\S+:\d+(?::\d+)?: error: /.test(line)
    ) {
      out.push(i);
    }
  });
  return out;
};

export const TEST_EXTRACTORS: readonly Extractor[] = [nodeTap, nodeSpec, vitest, jest, pytest];
export const ALL_EXTRACTORS: readonly Extractor[] = [...TEST_EXTRACTORS, eslint, typescript];
