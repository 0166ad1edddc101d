import type {
  CoverageFinding,
  FailingTestFinding,
  Finding,
  TaskHistoryFinding,
  TodoFinding,
  WarningsFinding,
} from "./findings.js";
import { describeFinding, firstLine } from "./findings.js";
import type { Proposal } from "./proposal.js";
import { areaOf, slugOf } from "./proposal.js";

const NO_BREAKING = "No breaking changes";

/** Findings of one kind grouped by a key, in the order the keys first appear. */
function groupBy<T>(items: readonly T[], key: (item: T) => string): [string, T[]][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    groups.set(k, [...(groups.get(k) ?? []), item]);
  }
  return [...groups];
}

/** "a, b, c and 4 more" */
function listed(names: readonly string[], max = 5): string {
  const shown = names.slice(0, max).join(", ");
  return names.length > max ? `${shown} and ${names.length - max} more` : shown;
}

function failingTestProposals(findings: readonly FailingTestFinding[]): Proposal[] {
  return groupBy(findings, (f) => f.file ?? `check ${f.check}`).map(([where, tests]) => {
    const file = tests[0]?.file;
    return {
      id: `fix-tests-${slugOf(file ?? tests[0]?.check ?? where)}`,
      goal: `Make the failing tests ${file === undefined ? "of" : "in"} ${where} pass again: ${listed(tests.map((t) => t.test))}. Fix the code under test unless the test itself is wrong.`,
      risk: "medium",
      area: file === undefined ? "tests" : areaOf(file),
      context_files: file === undefined ? [] : [file],
      constraints: [NO_BREAKING],
      evidence: tests.map(describeFinding),
    };
  });
}

function historyProposal(f: TaskHistoryFinding): Proposal {
  const what = f.state === "FAILED" ? "failed" : `was escalated (${f.reason})`;
  const detail = firstLine(f.detail);
  return {
    id: `redo-${slugOf(f.taskId)}`,
    goal: `Finish what task ${f.taskId} set out to do; it ${what}${detail === "" ? "" : `: ${detail}`}.${
      f.goal === undefined ? "" : ` Its goal: ${f.goal.trim()}`
    }`,
    risk: f.risk ?? "medium",
    area: f.area ?? "core",
    context_files: [...f.files],
    constraints: [NO_BREAKING],
    evidence: [describeFinding(f)],
  };
}

function warningsProposal(f: WarningsFinding): Proposal {
  return {
    id: `fix-warnings-${slugOf(f.file)}`,
    goal: `Fix the ${f.count} warning${f.count === 1 ? "" : "s"} ${f.check} reports in ${f.file}${
      f.rules.length === 0 ? "" : ` (${listed(f.rules)})`
    } without changing behaviour.`,
    risk: "low",
    area: areaOf(f.file),
    context_files: [f.file],
    constraints: ["ZERO-WARNINGS", NO_BREAKING],
    evidence: [describeFinding(f)],
  };
}

function todoProposals(findings: readonly TodoFinding[]): Proposal[] {
  return groupBy(findings, (f) => f.file).map(([file, todos]) => ({
    id: `resolve-todos-${slugOf(file)}`,
    goal: `Resolve the ${todos.length === 1 ? `${todos[0]?.tag ?? "TODO"} comment` : `${todos.length} TODO/FIXME/XXX comments`} in ${file}: ${todos
      .slice(0, 5)
      .map((t) => `line ${t.line}: ${t.text === "" ? t.tag : t.text}`)
      .join("; ")}. Do what each asks (or remove it when it no longer applies).`,
    risk: "low",
    area: areaOf(file),
    context_files: [file],
    constraints: [NO_BREAKING],
    evidence: todos.map(describeFinding),
  }));
}

function coverageProposal(f: CoverageFinding): Proposal {
  return {
    id: `cover-${slugOf(f.file)}`,
    goal: `Add tests for ${f.file}: ${f.percent.toFixed(1)}% of its lines are covered, under the ${f.target}% target. Only add tests; do not change behaviour.`,
    risk: "low",
    area: "tests",
    context_files: [f.file],
    constraints: [NO_BREAKING],
    evidence: [describeFinding(f)],
  };
}

/**
 * Deterministic proposals from findings, most pressing first: failing tests (one task per test
 * file), failed or escalated tasks, warnings (per file), marker comments (per file), then low
 * coverage (per file). Ids are not yet unique against existing tasks; see `withUniqueIds`.
 */
export function buildProposals(findings: readonly Finding[]): Proposal[] {
  const of = <K extends Finding["kind"]>(kind: K): Extract<Finding, { kind: K }>[] =>
    findings.filter((f): f is Extract<Finding, { kind: K }> => f.kind === kind);
  return [
    ...failingTestProposals(of("failing-test")),
    ...of("task-history").map(historyProposal),
    ...of("warnings").map(warningsProposal),
    ...todoProposals(of("todo")),
    ...of("low-coverage").map(coverageProposal),
  ];
}
