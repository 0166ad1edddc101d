import { existsSync } from "node:fs";
import { resolve, sep } from "node:path";
import type { GithubClient } from "./client.js";
import type { GithubIssue, ImportedTask, TaskLabels } from "./issue-task.js";
import { issueOfTask, taskFromIssue } from "./issue-task.js";
import type { TasksFileChange } from "./tasks-yaml.js";
import { mergeImportedTasks, taskIdsInFile } from "./tasks-yaml.js";

export interface ImportOptions {
  readonly owner: string;
  readonly repo: string;
  /** Only issues with this label; undefined: every issue. */
  readonly label?: string;
  readonly state: "open" | "closed" | "all";
  readonly labels: TaskLabels;
  /** The repository the tasks work on (context files are checked against it). */
  readonly repoRoot: string;
  readonly tasksFile: string;
}

export interface ImportResult extends TasksFileChange {
  /** Imported tasks whose issue is now closed. */
  readonly closed: string[];
  readonly tasks: ImportedTask[];
}

function toIssue(raw: {
  number: number;
  title: string;
  body?: string | null;
  state: string;
  updated_at: string;
  labels: (string | { name?: string })[];
}): GithubIssue {
  return {
    number: raw.number,
    title: raw.title,
    body: raw.body ?? "",
    state: raw.state === "closed" ? "closed" : "open",
    updatedAt: raw.updated_at,
    labels: raw.labels.flatMap((l) => (typeof l === "string" ? [l] : l.name ? [l.name] : [])),
  };
}

/** Issues (not pull requests) of the repository with the label and state asked for. */
export async function fetchIssues(client: GithubClient, o: ImportOptions): Promise<GithubIssue[]> {
  const items = await client.paginate(client.rest.issues.listForRepo, {
    owner: o.owner,
    repo: o.repo,
    state: o.state,
    per_page: 100,
    ...(o.label === undefined ? {} : { labels: o.label }),
  });
  // Oldest first: tasks.yaml then lists them in issue order, which breaks priority ties.
  return items
    .filter((i) => i.pull_request === undefined)
    .map(toIssue)
    .sort((a, b) => a.number - b.number);
}

function existsInRepo(root: string): (path: string) => boolean {
  const base = resolve(root);
  return (path) => {
    const full = resolve(base, path);
    return full.startsWith(base + sep) && existsSync(full);
  };
}

/**
 * Turns the repository's issues into tasks in tasks.yaml: new issues are added, changed ones
 * updated (by id `GH-<number>`, never duplicated). Returns which imported tasks' issues are
 * closed, for the caller to abort those not started.
 */
export async function importIssues(client: GithubClient, o: ImportOptions): Promise<ImportResult> {
  const fetched = await fetchIssues(client, o);
  const inFile = await taskIdsInFile(o.tasksFile);
  const open = fetched.filter((i) => i.state === "open");
  const known = new Set([
    ...open.map((i) => i.number),
    ...inFile.flatMap((id) => {
      const n = issueOfTask(id);
      return n === undefined ? [] : [n];
    }),
  ]);
  const mapping = { labels: o.labels, known, exists: existsInRepo(o.repoRoot) };
  const tasks = open.map((i) => taskFromIssue(i, mapping));
  const change = await mergeImportedTasks(o.tasksFile, tasks);

  const closedNumbers = new Set(fetched.filter((i) => i.state === "closed").map((i) => i.number));
  const fetchedNumbers = new Set(fetched.map((i) => i.number));
  // Imported tasks whose issue was not listed (closed, or relabelled): ask GitHub directly.
  for (const id of inFile) {
    const n = issueOfTask(id);
    if (n === undefined || fetchedNumbers.has(n)) continue;
    const { data } = await client.rest.issues.get({
      owner: o.owner,
      repo: o.repo,
      issue_number: n,
    });
    if (data.state === "closed") closedNumbers.add(n);
  }
  const closed = inFile.filter((id) => {
    const n = issueOfTask(id);
    return n !== undefined && closedNumbers.has(n);
  });
  return { ...change, closed, tasks };
}
