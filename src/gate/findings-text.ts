import type { GateFindings, GateTestFinding } from "../core/events.js";

/** Lines listed per kind of finding; the rest is counted. */
const MAX_ITEMS = 10;

function testLine(t: GateTestFinding, label: string): string {
  const name = t.suite === "" || t.name.startsWith(t.suite) ? t.name : `${t.suite} > ${t.name}`;
  const where = t.location ?? t.file;
  const change = t.before === "absent" ? t.after : `${t.before} -> ${t.after}`;
  const msg = t.message === undefined ? "" : `: ${t.message}`;
  return `- ${label} ${name} (${change})${where === undefined ? "" : ` at ${where}`}${msg}`;
}

function more(count: number, shown: number, what: string): string[] {
  return count > shown ? [`- ... and ${count - shown} more ${what}`] : [];
}

/** `10-12,15`: a sorted list of line numbers as ranges. */
export function lineRanges(lines: readonly number[]): string {
  const out: string[] = [];
  let start: number | undefined;
  let prev: number | undefined;
  for (const n of lines) {
    if (start !== undefined && prev !== undefined && n === prev + 1) {
      prev = n;
      continue;
    }
    if (start !== undefined) out.push(start === prev ? `${start}` : `${start}-${prev}`);
    start = n;
    prev = n;
  }
  if (start !== undefined) out.push(start === prev ? `${start}` : `${start}-${prev}`);
  return out.join(",");
}

function pct(value: number | null): string {
  return value === null ? "n/a" : `${Number(value.toFixed(2))}%`;
}

/**
 * The short report of what a check found against the baseline: the tests that regressed or fail
 * (name, message, file:line), the warnings that block, the coverage lost and where. Empty when
 * nothing blocks.
 */
export function formatFindings(findings: GateFindings): string {
  const lines: string[] = [...findings.errors.map((e) => `- ${e}`)];
  const tests = findings.tests;
  if (tests !== undefined) {
    const listed = [
      ...tests.regressions.map((t) => testLine(t, "REGRESSION")),
      ...tests.newFailures.map((t) => testLine(t, "FAILING")),
    ];
    lines.push(...listed.slice(0, MAX_ITEMS), ...more(listed.length, MAX_ITEMS, "tests"));
  }
  const warnings = findings.warnings;
  if (warnings !== undefined && warnings.blocking.length > 0) {
    lines.push(
      `- ${warnings.newCount} new warning(s) since the base (policy ${warnings.policy}):`,
      ...warnings.blocking
        .slice(0, MAX_ITEMS)
        .map(
          (w) =>
            `  ${w.file}:${w.line} ${w.rule === "" ? "" : `${w.rule} `}${w.message}${w.isNew ? "" : " (already there; policy forbids it in touched files)"}`,
        ),
      ...more(warnings.blocking.length, MAX_ITEMS, "warnings"),
    );
  }
  const cov = findings.coverage;
  if (cov !== undefined && cov.problems.length > 0) {
    lines.push(...cov.problems.map((p) => `- ${p}`));
    for (const f of cov.files.slice(0, 5)) {
      lines.push(
        `  ${f.file}: ${pct(f.baselinePct)} -> ${pct(f.currentPct)}` +
          (f.newlyUncoveredLines > 0 ? ` (+${f.newlyUncoveredLines} uncovered lines)` : ""),
      );
    }
    for (const u of cov.patch?.uncovered.slice(0, 5) ?? []) {
      lines.push(`  uncovered changed lines: ${u.file}:${lineRanges(u.lines)}`);
    }
  }
  return lines.join("\n");
}

/** A one-line headline of what blocks, for the check's heading. */
export function findingsHeadline(findings: GateFindings): string {
  const parts: string[] = [];
  const t = findings.tests;
  if (t !== undefined && t.regressions.length > 0)
    parts.push(`${t.regressions.length} regressed test(s)`);
  if (t !== undefined && t.newFailures.length > 0)
    parts.push(`${t.newFailures.length} failing new test(s)`);
  const w = findings.warnings;
  if (w !== undefined && w.blocking.length > 0)
    parts.push(`${w.blocking.length} blocking warning(s)`);
  if (findings.coverage !== undefined && findings.coverage.problems.length > 0)
    parts.push("coverage");
  if (findings.errors.length > 0) parts.push("report problems");
  return parts.join(", ");
}
