import { copyFile, mkdir, readFile, rm } from "node:fs/promises";
import { basename, join } from "node:path";
import { z } from "zod";
import type { CheckSpec, ReportSpec } from "../core/project-config.js";
import {
  parseCobertura,
  parseIstanbulSummary,
  parseLcov,
  type CoverageReport,
  type FileCoverage,
} from "./coverage/index.js";
import { buildReport } from "./coverage/merge.js";
import {
  parseEslintJson,
  parseGeneric,
  parseJUnit,
  parseMypy,
  parseRuffJson,
  parseTap,
  parseTsc,
  TestResultSchema,
  type TestResult,
  type Warning,
} from "./reports/index.js";

/** What a check's reports said, in a form that can be saved as a baseline. */
export interface ReportData {
  tests?: TestResult[];
  warnings?: Warning[];
  coverage?: CoverageReport;
  /** Reports that were missing or unreadable. */
  errors: string[];
}

export const WarningSchema = z.object({
  tool: z.string(),
  rule: z.string(),
  file: z.string(),
  line: z.number().int().nonnegative(),
  column: z.number().int().optional(),
  message: z.string(),
  fingerprint: z.string(),
});

const CounterSchema = z.object({
  found: z.number().int().nonnegative(),
  hit: z.number().int().nonnegative(),
});

/** A coverage report as JSON: line hits as `[line, hits]` pairs. */
export const SavedCoverageSchema = z.object({
  format: z.enum(["lcov", "istanbul-summary", "cobertura"]),
  files: z.array(
    z.object({
      path: z.string(),
      lines: CounterSchema,
      lineHits: z.array(z.tuple([z.number().int(), z.number().nonnegative()])).nullable(),
    }),
  ),
});
export type SavedCoverage = z.infer<typeof SavedCoverageSchema>;

export const SavedReportDataSchema = z.object({
  tests: z.array(TestResultSchema).optional(),
  warnings: z.array(WarningSchema).optional(),
  coverage: SavedCoverageSchema.optional(),
  errors: z.array(z.string()).default([]),
});
export type SavedReportData = z.infer<typeof SavedReportDataSchema>;

export function saveCoverage(report: CoverageReport): SavedCoverage {
  return {
    format: report.format,
    files: report.files.map((f) => ({
      path: f.path,
      lines: { found: f.lines.found, hit: f.lines.hit },
      lineHits: f.lineHits === null ? null : [...f.lineHits.entries()],
    })),
  };
}

export function loadCoverage(saved: SavedCoverage): CoverageReport {
  return {
    format: saved.format,
    files: saved.files.map((f): FileCoverage => ({
      path: f.path,
      lines: f.lines,
      lineHits: f.lineHits === null ? null : new Map(f.lineHits),
    })),
  };
}

export function saveReportData(data: ReportData): SavedReportData {
  return {
    ...(data.tests === undefined ? {} : { tests: data.tests }),
    ...(data.warnings === undefined ? {} : { warnings: data.warnings }),
    ...(data.coverage === undefined ? {} : { coverage: saveCoverage(data.coverage) }),
    errors: data.errors,
  };
}

function loadWarning(saved: z.infer<typeof WarningSchema>): Warning {
  const { column, ...rest } = saved;
  return column === undefined ? rest : { ...rest, column };
}

export function loadReportData(saved: SavedReportData): ReportData {
  return {
    ...(saved.tests === undefined ? {} : { tests: saved.tests }),
    ...(saved.warnings === undefined ? {} : { warnings: saved.warnings.map(loadWarning) }),
    ...(saved.coverage === undefined ? {} : { coverage: loadCoverage(saved.coverage) }),
    errors: saved.errors,
  };
}

const JSON_FORMATS = new Set(["eslint-json", "ruff-json", "istanbul-summary"]);

/** A JSON document inside output that may have other lines around it (npm's banner). */
function jsonPart(text: string): string {
  const start = text.search(/[[{]/);
  const end = Math.max(text.lastIndexOf("]"), text.lastIndexOf("}"));
  return start >= 0 && end > start ? text.slice(start, end + 1) : text;
}

function errorMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split("\n")[0] ?? text;
}

/** Deletes the report files of a check, so a stale one is never read as this run's. */
export async function removeReports(spec: CheckSpec, cwd: string): Promise<void> {
  for (const report of spec.reports ?? []) {
    if (report.file !== undefined) await rm(join(cwd, report.file), { force: true });
  }
}

interface RunOutput {
  readonly stdout: string;
  /** stdout and stderr together. */
  readonly output: string;
}

/**
 * Reads and parses every report of a check after its command ran. Report files are copied to
 * `logDir` (as `<check>.<file name>`) and removed from the worktree, so they are never committed.
 * A missing or unreadable report is an entry in `errors`, not an exception.
 */
export async function readReports(
  spec: CheckSpec,
  cwd: string,
  run: RunOutput,
  logDir: string,
  logPrefix: string,
): Promise<ReportData> {
  const data: ReportData = { errors: [] };
  const coverage: CoverageReport[] = [];
  for (const report of spec.reports ?? []) {
    let text: string;
    const where = report.file ?? "the command's output";
    if (report.file === undefined) {
      text = JSON_FORMATS.has(report.format)
        ? jsonPart(run.stdout)
        : report.format === "tap"
          ? run.stdout // TAP is the standard output; stderr would interleave with it
          : run.output;
    } else {
      const path = join(cwd, report.file);
      try {
        text = await readFile(path, "utf8");
      } catch {
        data.errors.push(`report ${report.file} (${report.format}) was not written`);
        continue;
      }
      await mkdir(logDir, { recursive: true });
      await copyFile(path, join(logDir, `${logPrefix}.${basename(report.file)}`));
      await rm(path, { force: true });
    }
    try {
      parseInto(data, coverage, report, text, cwd, spec.name);
    } catch (error) {
      data.errors.push(`cannot read ${where} as ${report.format}: ${errorMessage(error)}`);
    }
  }
  const [first] = coverage;
  if (coverage.length === 1 && first !== undefined) data.coverage = first;
  else if (coverage.length > 1) {
    data.coverage = buildReport(
      coverage[0]?.format ?? "lcov",
      coverage.flatMap((r) => r.files),
    );
  }
  return data;
}

function parseInto(
  data: ReportData,
  coverage: CoverageReport[],
  report: ReportSpec,
  text: string,
  root: string,
  checkName: string,
): void {
  const addWarnings = (found: Warning[]): void => {
    data.warnings = [...(data.warnings ?? []), ...found];
  };
  switch (report.format) {
    case "junit":
      data.tests = [...(data.tests ?? []), ...parseJUnit(text)];
      return;
    case "tap":
      data.tests = [...(data.tests ?? []), ...parseTap(text)];
      return;
    case "eslint-json":
      addWarnings(parseEslintJson(text, { root }));
      return;
    case "tsc":
      addWarnings(parseTsc(text, { root }));
      return;
    case "ruff-json":
      addWarnings(parseRuffJson(text, { root }));
      return;
    case "mypy":
      addWarnings(parseMypy(text, { root }));
      return;
    case "generic":
      addWarnings(
        parseGeneric(text, report.pattern === undefined ? undefined : new RegExp(report.pattern), {
          root,
          tool: checkName,
        }),
      );
      return;
    case "lcov":
      coverage.push(parseLcov(text, { root }));
      return;
    case "istanbul-summary": {
      const json: unknown = JSON.parse(text);
      coverage.push(parseIstanbulSummary(json, { root }));
      return;
    }
    case "cobertura":
      coverage.push(parseCobertura(text, { root }));
      return;
  }
}
