import type { Risk } from "../../core/task.js";
import { RISKS } from "../../core/task.js";
import type { GithubConfig } from "../../core/project-config.js";

/** An issue as the importer needs it. */
export interface GithubIssue {
  readonly number: number;
  readonly title: string;
  readonly body: string;
  readonly labels: readonly string[];
  readonly state: "open" | "closed";
  readonly updatedAt: string;
}

/** A task entry for tasks.yaml, in the file's own (snake_case) shape. */
export interface ImportedTask {
  readonly id: string;
  readonly goal: string;
  readonly risk: Risk;
  readonly area: string;
  readonly priority: number;
  readonly depends_on: string[];
  readonly context_files: string[];
}

export type TaskLabels = GithubConfig["taskLabels"];

export const DEFAULT_TASK_LABELS: TaskLabels = {
  riskPrefix: "risk:",
  areaPrefix: "area:",
  priorityPrefix: "priority:",
};

/** What an issue without a risk or area label gets. */
export const IMPORT_DEFAULTS = { risk: "medium", area: "core", priority: 0 } as const;

const GOAL_LIMIT = 8_000;
const ID_PREFIX = "GH-";

/** The id of the task made from issue `n`. */
export const taskIdOfIssue = (n: number): string => `${ID_PREFIX}${n}`;

/** The issue number of a task made from an issue, if it is one. */
export function issueOfTask(taskId: string): number | undefined {
  const m = /^GH-(\d+)$/.exec(taskId);
  return m?.[1] === undefined ? undefined : Number(m[1]);
}

/**
 * Issue numbers this issue depends on: "depends on #3", "depends on #3, #4 and #5",
 * "blocked by #7", and task-list items "- [ ] #8" (the tracked issues come first).
 */
export function dependencyNumbers(body: string): number[] {
  const found = new Set<number>();
  for (const m of body.matchAll(
    /\b(?:depends\s+on|blocked\s+by|after)\b:?((?:[\s,]*(?:and\s+)?#\d+)+)/gi,
  )) {
    for (const n of (m[1] ?? "").matchAll(/#(\d+)/g)) found.add(Number(n[1]));
  }
  for (const m of body.matchAll(/^\s*[-*]\s+\[[ xX]\]\s+#(\d+)\b/gm)) found.add(Number(m[1]));
  return [...found];
}

/** Paths a body mentions that look like files (`src/a.ts`, docs/x.md), in order, deduplicated. */
export function mentionedPaths(body: string): string[] {
  const found = new Set<string>();
  for (const m of body.matchAll(
    /(?:^|[\s`'"(])((?:\.\/)?(?:[\w.-]+\/)*[\w-][\w.-]*\.[A-Za-z0-9]{1,8})(?=$|[\s`'"),:;])/gm,
  )) {
    const path = (m[1] ?? "").replace(/^\.\//, "");
    if (
      path.includes("..") ||
      /^\d+(\.\d+)+$/.test(path) ||
      /^[\w-]+\.(com|org|io|net)$/.test(path)
    )
      continue;
    if (path.startsWith("http")) continue;
    found.add(path);
  }
  return [...found];
}

function labelValue(labels: readonly string[], prefix: string): string | undefined {
  if (prefix === "") return undefined;
  const label = labels.find((l) => l.toLowerCase().startsWith(prefix.toLowerCase()));
  const value = label?.slice(prefix.length).trim();
  return value === "" ? undefined : value;
}

function riskOf(labels: readonly string[], map: TaskLabels): Risk {
  const value = labelValue(labels, map.riskPrefix)?.toLowerCase();
  return RISKS.find((r) => r === value) ?? IMPORT_DEFAULTS.risk;
}

/** `priority:N`, or GitHub's common P0..P3 (P0 is the most urgent, so the highest number). */
function priorityOf(labels: readonly string[], map: TaskLabels): number {
  const value = labelValue(labels, map.priorityPrefix);
  if (value !== undefined && /^-?\d+$/.test(value)) return Number(value);
  const p = labels.map((l) => /^P([0-3])$/i.exec(l.trim())).find((m) => m !== null);
  return p?.[1] === undefined ? IMPORT_DEFAULTS.priority : 3 - Number(p[1]);
}

export interface IssueMapping {
  readonly labels: TaskLabels;
  /** Issue numbers that are (or become) tasks; other dependencies are dropped. */
  readonly known: ReadonlySet<number>;
  /** Whether a mentioned path exists in the repository (only those become context files). */
  readonly exists: (path: string) => boolean;
}

/** The task an issue becomes. Pure: the same issue gives the same task. */
export function taskFromIssue(issue: GithubIssue, mapping: IssueMapping): ImportedTask {
  const body = issue.body.trim();
  const goal = (body ? `${issue.title.trim()}\n\n${body}` : issue.title.trim()).slice(
    0,
    GOAL_LIMIT,
  );
  return {
    id: taskIdOfIssue(issue.number),
    goal,
    risk: riskOf(issue.labels, mapping.labels),
    area: labelValue(issue.labels, mapping.labels.areaPrefix) ?? IMPORT_DEFAULTS.area,
    priority: priorityOf(issue.labels, mapping.labels),
    depends_on: dependencyNumbers(body)
      .filter((n) => n !== issue.number && mapping.known.has(n))
      .map(taskIdOfIssue),
    context_files: mentionedPaths(body).filter((p) => mapping.exists(p)),
  };
}
