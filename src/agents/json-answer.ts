import type { z } from "zod";

/** A model's answer turned into data, or a precise reason why it could not be, for a repair. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/** Top-level `{` positions tried before giving up; bounds the work on long prose. */
const MAX_CANDIDATES = 50;
const MAX_ISSUES_SHOWN = 20;
const MAX_PARSER_MESSAGE = 300;

/** A fenced block; the closing fence must start a line (JSON strings cannot hold raw line breaks). */
const FENCE = /```[ \t]*([\w-]*)[^\n]*\n([\s\S]*?)\n[ \t]*```/g;

/** Index of the `}` closing the object that opens at `start`, skipping strings; -1 if none. */
function matchingBrace(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  let escaped = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (c === "\\") escaped = true;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "{") depth++;
    else if (c === "}" && --depth === 0) return i;
  }
  return -1;
}

/** Removes commas directly before `}` or `]` outside strings: a common, harmless model slip. */
function withoutTrailingCommas(json: string): string {
  return json.replace(
    /("(?:[^"\\]|\\.)*")|,(\s*[}\]])/g,
    (_m, str: string | undefined, close: string | undefined) => str ?? close ?? "",
  );
}

function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return `line ${line}, column ${offset - before.lastIndexOf("\n")}`;
}

function describeParseError(json: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const position = /at position (\d+)/.exec(message)?.[1];
  const where =
    position === undefined ? "" : ` (${lineAndColumn(json, Number(position))} of the JSON)`;
  const short =
    message.length > MAX_PARSER_MESSAGE ? `${message.slice(0, MAX_PARSER_MESSAGE)}…` : message;
  return `invalid JSON${where}: ${short}`;
}

/** Parses one candidate; an object (not an array or a scalar) is required. */
function tryParse(json: string): Parsed<unknown> {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    try {
      value = JSON.parse(withoutTrailingCommas(json));
    } catch {
      return { ok: false, error: describeParseError(json, error) };
    }
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return {
      ok: false,
      error: "the JSON must be an object ({ ... }), not an array or a single value",
    };
  }
  return { ok: true, value };
}

/**
 * Objects in fenced blocks: ```json blocks, else untagged fences holding an object. `decisive`
 * is set when there is a ```json block: the model said where its answer is, so nothing else
 * (such as an inner object of a broken answer) is looked for.
 */
function fromFences(text: string): { result: Parsed<unknown>; decisive: boolean } | undefined {
  const blocks = [...text.matchAll(FENCE)].map((m) => ({
    lang: (m[1] ?? "").toLowerCase(),
    body: (m[2] ?? "").trim(),
  }));
  const tagged = blocks.filter((b) => b.lang.startsWith("json"));
  const candidates = tagged.length > 0 ? tagged : blocks.filter((b) => b.body.startsWith("{"));
  let firstError: Parsed<unknown> | undefined;
  for (const block of candidates) {
    const parsed = tryParse(block.body);
    if (parsed.ok) return { result: parsed, decisive: true };
    firstError ??= parsed;
  }
  return firstError && { result: firstError, decisive: tagged.length > 0 };
}

function fromBraces(text: string): Parsed<unknown> {
  let firstError: Parsed<unknown> | undefined;
  let from = 0;
  for (let tries = 0; tries < MAX_CANDIDATES; tries++) {
    const start = text.indexOf("{", from);
    if (start < 0) break;
    const end = matchingBrace(text, start);
    if (end < 0) {
      firstError ??= {
        ok: false,
        error: `the JSON object starting at ${lineAndColumn(text, start)} of the answer is never closed (unbalanced braces; was the answer cut off?)`,
      };
      break;
    }
    const parsed = tryParse(text.slice(start, end + 1));
    if (parsed.ok) return parsed;
    firstError ??= parsed;
    // Only top-level objects: an inner object of a broken answer is not the answer.
    from = end + 1;
  }
  return (
    firstError ?? {
      ok: false,
      error: "the answer contains no JSON object; answer with exactly one JSON object",
    }
  );
}

/**
 * Finds the JSON object in a model's answer: the first ```json fenced block that parses (when
 * there is one, its error is final), else an untagged fence holding an object, else the first
 * balanced top-level `{...}` that parses, with prose around it tolerated. Trailing commas are
 * forgiven. Returns a precise error when there is none.
 */
export function extractJsonObject(text: string): Parsed<unknown> {
  const fenced = fromFences(text);
  if (fenced?.decisive) return fenced.result;
  const braces = fromBraces(text);
  if (braces.ok) return braces;
  return fenced?.result ?? braces;
}

/** `steps[2].risk` for a zod issue path; `(root)` for the whole object. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out === "" ? "(root)" : out;
}

/** One line per issue (`- path: message`), at most twenty, for a human or a repair prompt. */
export function formatIssues(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
): string {
  const lines = issues
    .slice(0, MAX_ISSUES_SHOWN)
    .map((i) => `- ${formatIssuePath(i.path)}: ${i.message}`);
  if (issues.length > MAX_ISSUES_SHOWN)
    lines.push(`- … and ${issues.length - MAX_ISSUES_SHOWN} more`);
  return lines.join("\n");
}

/**
 * Extracts the JSON object from a model's answer and validates it with `schema`. Never throws:
 * a failure is returned with an error naming each offending field path.
 */
export function parseJsonAnswer<S extends z.ZodType>(text: string, schema: S): Parsed<z.output<S>> {
  const extracted = extractJsonObject(text);
  if (!extracted.ok) return extracted;
  const result = schema.safeParse(extracted.value);
  if (result.success) return { ok: true, value: result.data };
  return {
    ok: false,
    error: `the JSON does not match the required shape:\n${formatIssues(result.error.issues)}`,
  };
}
