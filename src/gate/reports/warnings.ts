import { createHash } from "node:crypto";
import { stripVTControlCharacters } from "node:util";
import { z } from "zod";

/** One diagnostic from a linter or type checker; under ZERO-WARNINGS, errors count too. */
export interface Warning {
  tool: string;
  /** Rule or diagnostic code (`no-unused-vars`, `TS2322`, `F401`, `arg-type`); "" if none. */
  rule: string;
  /** Path as reported, `/`-separated, made relative to `root` when one is given. */
  file: string;
  /** 1-based; 0 when the tool gives no line (a file- or project-level diagnostic). */
  line: number;
  column?: number;
  message: string;
  /** Hash of tool + rule + file + normalised message: stable when lines move. */
  fingerprint: string;
}

export interface ParseOptions {
  /** Absolute project root; paths under it are made relative to it. */
  root?: string;
}

export interface GenericParseOptions extends ParseOptions {
  /** Tool name recorded in each warning; defaults to "generic". */
  tool?: string;
}

/** Default `parseGeneric` line: `file:line[:col]: message`. */
export const GENERIC_LINE =
  /^(?<file>(?:[A-Za-z]:)?[^\s:][^:]*?):(?<line>\d+)(?::(?<column>\d+))?:\s*(?<message>\S.*)$/;

/** `/`-separated, without a leading `./`, relative to `root` when under it. */
export function normalisePath(file: string, root?: string): string {
  let path = file.trim().replaceAll("\\", "/");
  if (root !== undefined && root !== "") {
    const base = root.replaceAll("\\", "/").replace(/\/+$/, "");
    if (path.startsWith(`${base}/`)) path = path.slice(base.length + 1);
  }
  while (path.startsWith("./")) path = path.slice(2);
  return path;
}

/**
 * The message as fingerprinted: whitespace collapsed, line references dropped (`line 12`,
 * `file.ts:12:3`, `(12,3)`), everything else (numbers, quoted identifiers) kept.
 */
export function normaliseMessage(message: string): string {
  return stripVTControlCharacters(message)
    .replace(/\b(lines?)\s+\d+(?:\s*(?:-|–|,|and|to)\s*\d+)*/gi, "$1 #")
    .replace(/(\.[A-Za-z]\w*):\d+(?::\d+)?\b/g, "$1:#")
    .replace(/(\.[A-Za-z]\w*)\(\d+,\d+\)/g, "$1(#)")
    .replace(/\s+/g, " ")
    .trim();
}

export function fingerprint(tool: string, rule: string, file: string, message: string): string {
  return createHash("sha256")
    .update([tool, rule, file, normaliseMessage(message)].join("\u0000"))
    .digest("hex")
    .slice(0, 16);
}

export function makeWarning(w: Omit<Warning, "fingerprint">): Warning {
  return { ...w, fingerprint: fingerprint(w.tool, w.rule, w.file, w.message) };
}

function positiveInt(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number.parseInt(text, 10);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

function lines(text: string): string[] {
  return stripVTControlCharacters(text).split(/\r?\n/);
}

// ---------------------------------------------------------------------------------- ESLint

const EslintMessageSchema = z.object({
  ruleId: z.string().nullable().optional(),
  severity: z.number().int(),
  message: z.string(),
  line: z.number().int().optional(),
  column: z.number().int().optional(),
  fatal: z.boolean().optional(),
});
const EslintReportSchema = z.array(
  z.object({ filePath: z.string(), messages: z.array(EslintMessageSchema) }),
);

/** ESLint's `-f json` output. Fatal (parse) errors get the rule `fatal`. */
export function parseEslintJson(json: string, options: ParseOptions = {}): Warning[] {
  const report = EslintReportSchema.parse(JSON.parse(json));
  const out: Warning[] = [];
  for (const file of report) {
    const path = normalisePath(file.filePath, options.root);
    for (const m of file.messages) {
      if (m.severity < 1) continue;
      const w: Omit<Warning, "fingerprint"> = {
        tool: "eslint",
        rule: m.ruleId ?? (m.fatal === true ? "fatal" : ""),
        file: path,
        line: m.line ?? 0,
        message: m.message,
      };
      if (m.column !== undefined) w.column = m.column;
      out.push(makeWarning(w));
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------- tsc

const TSC_PLAIN =
  /^(?<file>.+?)\((?<line>\d+),(?<column>\d+)\): (?:error|warning) (?<rule>TS\d+): (?<message>.*)$/;
const TSC_PRETTY =
  /^(?<file>.+?):(?<line>\d+):(?<column>\d+) - (?:error|warning) (?<rule>TS\d+): (?<message>.*)$/;
const TSC_GLOBAL = /^(?:error|warning) (?<rule>TS\d+): (?<message>.*)$/;

/**
 * `tsc --noEmit` output, plain (`file(line,col): error TSxxxx: msg`, message chains on indented
 * lines) or `--pretty` (`file:line:col - error TSxxxx: msg`, code frames skipped).
 */
export function parseTsc(text: string, options: ParseOptions = {}): Warning[] {
  const out: Omit<Warning, "fingerprint">[] = [];
  let last: Omit<Warning, "fingerprint"> | undefined;
  let pretty = false;
  for (const raw of lines(text)) {
    const line = raw.trimEnd();
    const plain = TSC_PLAIN.exec(line);
    const prettyMatch = plain ? null : TSC_PRETTY.exec(line);
    const g = (plain ?? prettyMatch ?? TSC_GLOBAL.exec(line))?.groups;
    if (g) {
      pretty = prettyMatch !== null;
      last = {
        tool: "tsc",
        rule: g.rule ?? "",
        file: g.file === undefined ? "" : normalisePath(g.file, options.root),
        line: positiveInt(g.line) ?? 0,
        message: g.message ?? "",
      };
      const column = positiveInt(g.column);
      if (column !== undefined) last.column = column;
      out.push(last);
    } else if (last && !pretty && /^\s+\S/.test(line)) {
      last.message += `\n${line.trim()}`;
    } else if (line.trim() === "" || !/^\s/.test(line)) {
      last = undefined;
    }
  }
  return out.map(makeWarning);
}

// ---------------------------------------------------------------------------------- ruff

const RuffReportSchema = z.array(
  z.object({
    code: z.string().nullable().optional(),
    message: z.string(),
    filename: z.string(),
    location: z.object({ row: z.number().int(), column: z.number().int() }).nullable().optional(),
  }),
);

/** `ruff check --output-format json`. Syntax errors (no code) get the rule `syntax-error`. */
export function parseRuffJson(json: string, options: ParseOptions = {}): Warning[] {
  return RuffReportSchema.parse(JSON.parse(json)).map((d) => {
    const w: Omit<Warning, "fingerprint"> = {
      tool: "ruff",
      rule: d.code ?? "syntax-error",
      file: normalisePath(d.filename, options.root),
      line: d.location?.row ?? 0,
      message: d.message,
    };
    if (d.location) w.column = d.location.column;
    return makeWarning(w);
  });
}

// ---------------------------------------------------------------------------------- mypy

const MYPY =
  /^(?<file>(?:[A-Za-z]:)?[^:]+):(?<line>\d+)(?::(?<column>\d+))?(?::\d+:\d+)?: (?<severity>error|warning|note): (?<message>.*?)(?:\s{2}\[(?<rule>[\w-]+)\])?$/;

/**
 * mypy's text output (`file:line[:col]: error: message  [code]`); notes are not warnings and
 * the summary line is skipped.
 */
export function parseMypy(text: string, options: ParseOptions = {}): Warning[] {
  const out: Warning[] = [];
  for (const raw of lines(text)) {
    const g = MYPY.exec(raw.trimEnd())?.groups;
    if (!g || g.severity === "note") continue;
    const w: Omit<Warning, "fingerprint"> = {
      tool: "mypy",
      rule: g.rule ?? "",
      file: normalisePath(g.file ?? "", options.root),
      line: positiveInt(g.line) ?? 0,
      message: g.message ?? "",
    };
    const column = positiveInt(g.column);
    if (column !== undefined) w.column = column;
    out.push(makeWarning(w));
  }
  return out;
}

// ---------------------------------------------------------------------------------- generic

/**
 * One warning per line matching `regex` (default {@link GENERIC_LINE}). A custom regex needs the
 * named groups `file`, `line` and `message`, and may have `column` and `rule`.
 */
export function parseGeneric(
  text: string,
  regex: RegExp = GENERIC_LINE,
  options: GenericParseOptions = {},
): Warning[] {
  const pattern = new RegExp(regex.source, regex.flags.replace(/[gy]/g, ""));
  const tool = options.tool ?? "generic";
  const out: Warning[] = [];
  for (const raw of lines(text)) {
    const g = pattern.exec(raw.trimEnd())?.groups;
    if (g?.file === undefined || g.message === undefined) continue;
    const w: Omit<Warning, "fingerprint"> = {
      tool,
      rule: g.rule ?? "",
      file: normalisePath(g.file, options.root),
      line: positiveInt(g.line) ?? 0,
      message: g.message.trim(),
    };
    const column = positiveInt(g.column);
    if (column !== undefined) w.column = column;
    out.push(makeWarning(w));
  }
  return out;
}
