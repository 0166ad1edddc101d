import { Parser, type Result } from "tap-parser";
import { findLocation, type TestResult } from "./junit.js";

/**
 * TAP (Test Anything Protocol), as printed by tape, `mocha --reporter tap`, `node --test
 * --test-reporter=tap` and node-tap, read with the maintained `tap-parser`. One result per leaf
 * test point: a point that closes a subtest (node:test's suites) is not a test of its own, its
 * subtest's points are. The suite of a point is the path of its subtests, or for tape (whose
 * points are assertions under a `# test name` comment) the last comment before it.
 */

/** Longest message kept from a failure's diagnostics. */
const MESSAGE_MAX = 500;

function text(value: unknown): string | undefined {
  if (typeof value === "string" && value.trim() !== "") return value.trim();
  return undefined;
}

function firstLine(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const line = value
    .split(/\r?\n/)
    .find((l) => l.trim() !== "")
    ?.trim();
  if (line === undefined) return undefined;
  return line.length > MESSAGE_MAX ? `${line.slice(0, MESSAGE_MAX)}…` : line;
}

/** The diagnostics block of a point, as a plain record (tap-parser types it as `any`). */
function diagOf(result: Result): Record<string, unknown> {
  const diag: unknown = result.diag;
  return typeof diag === "object" && diag !== null ? (diag as Record<string, unknown>) : {};
}

function location(diag: Record<string, unknown>): string | undefined {
  const at = diag.at;
  if (typeof at === "object" && at !== null) {
    const { file, line, column } = at as Record<string, unknown>;
    if (typeof file === "string" && (typeof line === "number" || typeof line === "string")) {
      const col = typeof column === "number" || typeof column === "string" ? `:${column}` : "";
      return `${file}:${line}${col}`;
    }
  }
  const body = [diag.stack, diag.location, diag.at]
    .filter((v): v is string => typeof v === "string")
    .map((v) => v.replace(/file:\/\//g, ""))
    .join("\n");
  return findLocation(body);
}

function toResult(result: Result, suite: string): TestResult {
  const status: TestResult["status"] = !result.ok
    ? "failed"
    : result.skip !== false || result.todo !== false
      ? "skipped"
      : "passed";
  const out: TestResult = { suite, name: result.name.trim(), status };
  if (status === "failed") {
    const diag = diagOf(result);
    const message = firstLine(text(diag.message) ?? text(diag.error) ?? text(diag.stack));
    if (message !== undefined) out.message = message;
    const where = location(diag);
    if (where !== undefined) out.location = where;
  } else if (status === "skipped") {
    const reason = typeof result.skip === "string" ? result.skip : result.todo;
    if (typeof reason === "string" && reason !== "") out.message = reason;
  }
  return out;
}

function attach(parser: Parser, path: readonly string[], into: TestResult[]): void {
  let comment: string | undefined;
  const subtests = new Set<string>();
  parser.on("comment", (line: string) => {
    const body = line.replace(/^\s*#\s*/, "").trim();
    // Summary lines of tape and mocha (`# tests 4`, `# pass 3`, `# ok`) are not test names.
    if (
      !/^(?:(?:tests|pass|fail|skip|todo|cancelled|suites|duration_ms)\s+\d|ok$|Subtest:)/.test(
        body,
      )
    ) {
      comment = body;
    }
  });
  parser.on("child", (child: Parser) => {
    const name = child.name.replace(/^Subtest:\s*/, "").trim();
    subtests.add(name);
    attach(child, name === "" ? path : [...path, name], into);
  });
  parser.on("assert", (result: Result) => {
    if (result.name.trim() !== "" && subtests.has(result.name.trim()) && result.ok) return;
    if (subtests.has(result.name.trim()) && !result.ok) {
      // A failed subtest whose own points all passed (a hook failed): keep it as a failure.
      const failedInside = into.some(
        (t) =>
          t.status === "failed" && t.suite.startsWith([...path, result.name.trim()].join(" > ")),
      );
      if (failedInside) return;
    }
    const suite = path.length > 0 ? path.join(" > ") : (comment ?? "");
    into.push(toResult(result, suite));
  });
}

/**
 * Parses a TAP stream into one result per test. A stream with a `Bail out!` or with fewer points
 * than its plan has no results for the missing tests: the comparison with the baseline reports
 * them as missing.
 */
export function parseTap(input: string): TestResult[] {
  const results: TestResult[] = [];
  const parser = new Parser({ passes: true });
  attach(parser, [], results);
  parser.end(input);
  return results;
}
