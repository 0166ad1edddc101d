import { basename, isAbsolute, resolve } from "node:path";
import { glob, isDynamicPattern } from "tinyglobby";
import { isSeq } from "yaml";
import type { z } from "zod";
import type { Task } from "../core/task.js";
import { DEFAULT_PRIORITY, DEFAULT_TASK_TIMEOUT_MS, TaskSchema } from "../core/task.js";
import { describeValue, didYouMean, isRecord } from "./describe.js";
import { parseDuration } from "./duration.js";
import { isDirectory, pathExists } from "./file-checks.js";
import type { RawTask, TaskDefaults } from "./file-schemas.js";
import {
  RawTaskSchema,
  TaskDefaultsSchema,
  TaskListSchema,
  TasksObjectSchema,
} from "./file-schemas.js";
import { findCycles } from "./task-graph.js";
import type { FieldPath, SourceFile } from "./yaml-source.js";
import { validateAt } from "./zod-problems.js";

interface TasksDocument {
  readonly repos: Readonly<Record<string, string>>;
  readonly defaults: TaskDefaults;
  /** False when `defaults:` itself is invalid; tasks then may lack what it meant to give. */
  readonly defaultsValid: boolean;
  readonly entries: readonly Entry[];
}

/** One entry of the task list, valid or not. */
interface Entry {
  readonly raw: unknown;
  /** The parsed task, when the entry is valid. */
  readonly task: RawTask | undefined;
  /** The entry's valid fields, so that an invalid task is still checked as far as it can be. */
  readonly fields: PartialTask;
}

const PartialTaskSchema = RawTaskSchema.partial();
type PartialTask = z.output<typeof PartialTaskSchema>;

function toEntry(raw: unknown): Entry {
  const parsed = RawTaskSchema.safeParse(raw);
  if (parsed.success) return { raw, task: parsed.data, fields: parsed.data };
  if (!isRecord(raw)) return { raw, task: undefined, fields: {} };
  const bad = new Set<PropertyKey>();
  for (const issue of parsed.error.issues) {
    if (issue.code === "unrecognized_keys") issue.keys.forEach((k) => bad.add(k));
    else if (issue.path[0] !== undefined) bad.add(issue.path[0]);
  }
  const rest = Object.fromEntries(Object.entries(raw).filter(([key]) => !bad.has(key)));
  return { raw, task: undefined, fields: PartialTaskSchema.safeParse(rest).data ?? {} };
}

/**
 * Makes problem paths of a bare task list read `tasks[0].risk` as in the mapping form. Call
 * before anything is reported.
 */
export function useTasksDisplayPaths(source: SourceFile): void {
  if (isSeq(source.doc.contents)) source.displayPrefix = ["tasks"];
}

/**
 * Reads the tasks of a parsed `tasks.yaml`, reporting every problem to the source file.
 * Tasks are returned in file order; the result is only meaningful when no problem was reported.
 */
export async function readTasksFile(source: SourceFile, repoRoot: string): Promise<Task[]> {
  const data = source.toJS();
  constraintsAsText(source, data);
  const document = splitDocument(source, data);
  if (document === undefined) return [];
  const ids = checkIds(source, document);
  for (const [name, path] of Object.entries(document.repos)) {
    if (!(await isDirectory(resolve(repoRoot, path)))) {
      source.report(["repos", name], `expected the path of an existing directory, found "${path}"`);
    }
  }
  const tasks: Task[] = [];
  for (const [index, entry] of document.entries.entries()) {
    const task = await normaliseTask(source, repoRoot, document, entry, index);
    if (task !== undefined) tasks.push(task);
  }
  checkDependencies(source, document, ids);
  return tasks;
}

/**
 * Real task files write constraints such as `- Output: YES or NO`, which YAML reads as a mapping
 * of one pair. Such an item is taken as the text `key: value`, with a note; anything else that is
 * not a string is left for the schema to refuse.
 */
function constraintsAsText(source: SourceFile, data: unknown): void {
  const fix = (owner: unknown, path: FieldPath): void => {
    if (!isRecord(owner) || !Array.isArray(owner.constraints)) return;
    const list: unknown[] = owner.constraints;
    list.forEach((item, index) => {
      if (!isRecord(item)) return;
      const pairs = Object.entries(item);
      const [pair] = pairs;
      if (pairs.length !== 1 || pair === undefined) return;
      const [key, value] = pair;
      if (!["string", "number", "boolean"].includes(typeof value)) return;
      const text = `${key}: ${String(value)}`;
      list[index] = text;
      source.note(
        [...path, "constraints", index],
        `read as the text "${text}" (YAML saw a key: value pair; quote the line to say it is text)`,
      );
    });
  };
  if (Array.isArray(data)) {
    data.forEach((task, i) => {
      fix(task, ["tasks", i]);
    });
    return;
  }
  if (!isRecord(data)) return;
  fix(data.defaults, ["defaults"]);
  if (Array.isArray(data.tasks))
    data.tasks.forEach((task, i) => {
      fix(task, ["tasks", i]);
    });
}

function splitDocument(source: SourceFile, data: unknown): TasksDocument | undefined {
  if (data === null || data === undefined) return undefined;
  if (Array.isArray(data)) {
    validateAt(source, TaskListSchema, data, ["tasks"]);
    return { repos: {}, defaults: {}, defaultsValid: true, entries: data.map(toEntry) };
  }
  if (!isRecord(data)) {
    source.report(
      [],
      `expected a list of tasks or a mapping with tasks:, found ${describeValue(data)}`,
    );
    return undefined;
  }
  validateAt(source, TasksObjectSchema, data);
  const repos = TasksObjectSchema.shape.repos.safeParse(data.repos).data ?? {};
  const defaults = TaskDefaultsSchema.optional().safeParse(data.defaults);
  const list = Array.isArray(data.tasks) ? data.tasks : [];
  return {
    repos,
    defaults: defaults.data ?? {},
    defaultsValid: defaults.success,
    entries: list.map(toEntry),
  };
}

/** Reports duplicate ids; returns every id written in the file (valid task or not). */
function checkIds(source: SourceFile, document: TasksDocument): Set<string> {
  const firstIndex = new Map<string, number>();
  document.entries.forEach(({ raw }, index) => {
    const id = isRecord(raw) ? raw.id : undefined;
    if (typeof id !== "string") return;
    const first = firstIndex.get(id);
    if (first === undefined) {
      firstIndex.set(id, index);
      return;
    }
    const line = source.lineOf(["tasks", first, "id"]);
    source.report(
      ["tasks", index, "id"],
      `duplicate task id "${id}"; first defined on line ${line}`,
    );
  });
  return new Set(firstIndex.keys());
}

/** Where a field's value came from: the task itself or `defaults:`. */
function fieldPath(task: PartialTask, index: number, field: keyof TaskDefaults): FieldPath {
  return task[field] === undefined ? ["defaults", field] : ["tasks", index, field];
}

/**
 * Checks an entry's repository and context files (as far as its valid fields allow) and, when
 * the entry is valid, returns the normalised task.
 */
async function normaliseTask(
  source: SourceFile,
  repoRoot: string,
  document: TasksDocument,
  entry: Entry,
  index: number,
): Promise<Task | undefined> {
  const own = entry.fields;
  const merged: PartialTask = { ...document.defaults, ...own };
  const path: FieldPath = ["tasks", index];
  for (const field of ["risk", "area"] as const) {
    if (entry.task !== undefined && merged[field] === undefined && document.defaultsValid) {
      source.report(
        [...path, field],
        `missing required key "${field}" (set it here or under defaults:)`,
      );
    }
  }
  const repo = merged.repo ?? ".";
  const repoPath = await resolveRepo(
    source,
    repoRoot,
    document.repos,
    repo,
    fieldPath(own, index, "repo"),
  );
  if (repoPath === undefined) return undefined;
  if (merged.context_files !== undefined) {
    await checkContextFiles(
      source,
      repoPath,
      repo,
      merged.context_files,
      fieldPath(own, index, "context_files"),
    );
  }
  const { id, goal, risk, area } = merged;
  if (entry.task === undefined || id === undefined || goal === undefined) return undefined;
  if (risk === undefined || area === undefined) return undefined;
  const candidate: Task = {
    id,
    goal,
    risk,
    area,
    repoPath,
    repo,
    contextFiles: merged.context_files ?? [],
    constraints: merged.constraints ?? [],
    priority: merged.priority ?? DEFAULT_PRIORITY,
    dependsOn: merged.depends_on ?? [],
    timeoutMs:
      merged.timeout === undefined ? DEFAULT_TASK_TIMEOUT_MS : (parseDuration(merged.timeout) ?? 0),
    ...(merged.budget_usd === undefined ? {} : { budgetUsd: merged.budget_usd }),
    ...(merged.max_plan_steps === undefined ? {} : { maxPlanSteps: merged.max_plan_steps }),
    ...(merged.base === undefined ? {} : { base: merged.base }),
    ...(merged.quality_level === undefined ? {} : { qualityLevel: merged.quality_level }),
  };
  const checked = TaskSchema.safeParse(candidate);
  if (!checked.success) {
    for (const issue of checked.error.issues) source.report(path, `invalid task: ${issue.message}`);
    return undefined;
  }
  return checked.data;
}

/**
 * Resolves `repo:` to an absolute directory: a name under `repos:`, the folder name of the
 * repository itself, or a path relative to it (or absolute).
 */
async function resolveRepo(
  source: SourceFile,
  repoRoot: string,
  repos: Readonly<Record<string, string>>,
  repo: string,
  path: FieldPath,
): Promise<string | undefined> {
  const named = Object.hasOwn(repos, repo) ? repos[repo] : undefined;
  if (named !== undefined) {
    const dir = resolve(repoRoot, named);
    // A folder that does not exist was reported at its `repos:` entry.
    return (await isDirectory(dir)) ? dir : undefined;
  }
  if (repo === basename(repoRoot)) return repoRoot;
  const dir = resolve(repoRoot, repo);
  if (await isDirectory(dir)) return dir;
  const names = Object.keys(repos);
  const listed = names.length > 0 ? ` (${names.join(", ")})` : "";
  source.report(
    path,
    `unknown repository "${repo}": expected a name under repos:${listed}, this repository's ` +
      `folder name "${basename(repoRoot)}", or the path of an existing directory` +
      didYouMean(repo, [...names, basename(repoRoot)]),
  );
  return undefined;
}

async function checkContextFiles(
  source: SourceFile,
  repoPath: string,
  repo: string,
  files: readonly string[],
  path: FieldPath,
): Promise<void> {
  for (const [index, file] of files.entries()) {
    if (isDynamicPattern(file)) {
      const matches = await glob([file], { cwd: repoPath, onlyFiles: false, dot: true });
      if (matches.length === 0) {
        source.report(
          [...path, index],
          `expected the glob "${file}" to match a file in repository "${repo}", found none`,
        );
      }
    } else if (!(await pathExists(isAbsolute(file) ? file : resolve(repoPath, file)))) {
      source.report(
        [...path, index],
        `expected an existing file or directory in repository "${repo}", found "${file}" (not found)`,
      );
    }
  }
}

function checkDependencies(
  source: SourceFile,
  document: TasksDocument,
  ids: ReadonlySet<string>,
): void {
  const nodes = new Map<string, { dependsOn: readonly string[]; path: FieldPath }>();
  document.entries.forEach(({ fields }, index) => {
    if (fields.id === undefined || nodes.has(fields.id)) return;
    const dependsOn = fields.depends_on ?? document.defaults.depends_on ?? [];
    nodes.set(fields.id, { dependsOn, path: fieldPath(fields, index, "depends_on") });
  });
  for (const { dependsOn, path } of nodes.values()) {
    dependsOn.forEach((dep, j) => {
      if (!ids.has(dep)) {
        source.report(
          [...path, j],
          `unknown task id "${dep}" in depends_on${didYouMean(dep, ids)}`,
        );
      }
    });
  }
  const graph = [...nodes].map(([id, node]) => ({ id, dependsOn: node.dependsOn }));
  for (const cycle of findCycles(graph)) {
    const [first, second] = cycle;
    const node = nodes.get(first ?? "");
    if (node === undefined || second === undefined) continue;
    source.report(
      [...node.path, node.dependsOn.indexOf(second)],
      `dependency cycle: ${cycle.join(" -> ")}`,
    );
  }
}
