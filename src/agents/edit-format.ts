/**
 * The text-mode edit format: how an implementer without file access answers. Blocks start with
 * a marker line at the beginning of a line; everything outside blocks is the free-text summary.
 *
 * ```
 * <<<<<<< WRITE path/to/file.ts        whole-file write (creates or replaces the file)
 * ...every line of the new content...
 * >>>>>>> END
 *
 * <<<<<<< SEARCH path/to/file.ts       replace text that occurs exactly once in the file
 * ...lines copied exactly from the current file...
 * =======
 * ...the lines that replace them...
 * >>>>>>> REPLACE
 *
 * <<<<<<< DELETE path/to/file.ts       delete the file (one line, no closing marker)
 * ```
 */
export type Edit =
  | {
      readonly kind: "write";
      readonly path: string;
      readonly content: string;
      readonly line: number;
    }
  | {
      readonly kind: "replace";
      readonly path: string;
      readonly search: string;
      readonly replace: string;
      readonly line: number;
    }
  | { readonly kind: "delete"; readonly path: string; readonly line: number };

/** The edits of an answer and its summary, or why the answer is malformed. */
export type ParsedEdits =
  { ok: true; edits: Edit[]; summary: string } | { ok: false; error: string };

const OPEN = /^<{7}[ \t]*(\S+)(?:[ \t]+(.*?))?[ \t]*$/;
const MARKERS = ["WRITE", "SEARCH", "DELETE"] as const;
type Marker = (typeof MARKERS)[number];
const DIVIDER = /^={7}[ \t]*$/;
const END = /^>{7}[ \t]*END\b/;
const REPLACE_END = /^>{7}[ \t]*REPLACE\b/;
const ANY_CLOSE = /^>{7}[ \t]*(END|REPLACE)\b/;
const FENCE_LINE = /^[ \t]*```/;

type BlockBody = { ok: true; parts: string[][]; next: number } | { ok: false; error: string };

/** How a block's body ends and how many `=======` lines split it. */
interface BodySpec {
  readonly close: RegExp;
  readonly closeText: string;
  readonly dividers: number;
}

const WRITE_BODY: BodySpec = { close: END, closeText: ">>>>>>> END", dividers: 0 };
const SEARCH_BODY: BodySpec = { close: REPLACE_END, closeText: ">>>>>>> REPLACE", dividers: 1 };

function isMarker(word: string): word is Marker {
  return (MARKERS as readonly string[]).includes(word);
}

/** Joins body lines back into text; every line keeps its line break. */
function joinLines(lines: readonly string[]): string {
  return lines.map((l) => `${l}\n`).join("");
}

function cleanPath(raw: string): string {
  const t = raw.trim();
  const m = /^([`"'])(.*)\1$/.exec(t);
  return m?.[2] ?? t;
}

/**
 * Reads the lines after an opening marker up to its closing marker; `dividers` splits the body
 * (SEARCH has one `=======`). A new opening marker before the close is an error, so a forgotten
 * close never swallows the next block.
 */
function readBody(lines: readonly string[], open: number, what: string, spec: BodySpec): BlockBody {
  const { close, closeText, dividers } = spec;
  const parts: string[][] = [[]];
  for (let i = open + 1; i < lines.length; i++) {
    const line = lines[i] ?? "";
    if (close.test(line)) {
      if (parts.length !== dividers + 1) {
        return {
          ok: false,
          error: `line ${open + 1}: ${what} has no "=======" line between the search and the replacement text`,
        };
      }
      return { ok: true, parts, next: i + 1 };
    }
    const opened = OPEN.exec(line);
    if (opened && isMarker(opened[1] ?? "")) {
      return {
        ok: false,
        error: `line ${open + 1}: ${what} is not closed by "${closeText}" before the next block at line ${i + 1}`,
      };
    }
    if (parts.length <= dividers && DIVIDER.test(line)) parts.push([]);
    else parts[parts.length - 1]?.push(line);
  }
  return {
    ok: false,
    error: `line ${open + 1}: ${what} is not closed by "${closeText}" (was the answer cut off?)`,
  };
}

function parseBlock(
  lines: readonly string[],
  i: number,
  word: Marker,
  path: string,
): { ok: true; edit: Edit; next: number } | { ok: false; error: string } {
  const line = i + 1;
  const what = `the ${word} block for ${path}`;
  if (word === "DELETE") return { ok: true, edit: { kind: "delete", path, line }, next: i + 1 };
  if (word === "WRITE") {
    const body = readBody(lines, i, what, WRITE_BODY);
    if (!body.ok) return body;
    return {
      ok: true,
      edit: { kind: "write", path, content: joinLines(body.parts[0] ?? []), line },
      next: body.next,
    };
  }
  const body = readBody(lines, i, what, SEARCH_BODY);
  if (!body.ok) return body;
  const search = joinLines(body.parts[0] ?? []);
  const replace = joinLines(body.parts[1] ?? []);
  return { ok: true, edit: { kind: "replace", path, search, replace, line }, next: body.next };
}

function summaryOf(lines: readonly string[]): string {
  return lines
    .filter((l) => !FENCE_LINE.test(l))
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

/**
 * Parses an implementer's text-mode answer into edits and a summary (the text outside blocks).
 * Malformed markers are reported with their line in the answer; nothing is guessed.
 */
export function parseEdits(text: string): ParsedEdits {
  const lines = text.replace(/\r\n/g, "\n").split("\n");
  const edits: Edit[] = [];
  const prose: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] ?? "";
    const opened = OPEN.exec(line);
    if (ANY_CLOSE.test(line)) {
      return { ok: false, error: `line ${i + 1}: "${line.trim()}" closes no open block` };
    }
    if (!opened) {
      prose.push(line);
      i++;
      continue;
    }
    const word = opened[1] ?? "";
    if (!isMarker(word)) {
      return {
        ok: false,
        error: `line ${i + 1}: unknown edit marker "${line.trim()}" (use WRITE, SEARCH or DELETE)`,
      };
    }
    const path = cleanPath(opened[2] ?? "");
    if (path === "")
      return { ok: false, error: `line ${i + 1}: ${word} marker without a file path` };
    const block = parseBlock(lines, i, word, path);
    if (!block.ok) return block;
    edits.push(block.edit);
    i = block.next;
  }
  return { ok: true, edits, summary: summaryOf(prose) };
}
