import { readFile, rename, writeFile } from "node:fs/promises";
import { isMap, isNode, isSeq, parseDocument } from "yaml";
import type { Document, YAMLMap } from "yaml";
import { UserError } from "../../core/errors.js";
import type { ImportedTask } from "./issue-task.js";

/** What an import did to tasks.yaml. */
export interface TasksFileChange {
  readonly added: string[];
  readonly updated: string[];
  readonly unchanged: string[];
}

/** The fields an import owns; anything else a user added to an imported task is kept. */
const OWNED = ["goal", "risk", "area", "priority", "depends_on", "context_files"] as const;

async function readDocument(path: string): Promise<Document> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return parseDocument("tasks: []\n");
    throw error;
  }
  const doc: Document = parseDocument(text.trim() === "" ? "tasks: []\n" : text);
  if (doc.errors.length > 0) {
    throw new UserError(`${path}: not valid YAML (${doc.errors[0]?.message ?? "parse error"})`);
  }
  // A bare list becomes the mapping form, so that `source:` and `tasks:` can live side by side.
  if (isSeq(doc.contents)) {
    const list = doc.contents;
    const map: YAMLMap = doc.createNode({});
    map.set("tasks", list);
    doc.contents = map;
  }
  if (!isMap(doc.contents) || !isSeq(doc.get("tasks"))) {
    if (isMap(doc.contents) && !doc.has("tasks")) doc.set("tasks", doc.createNode([]));
    else throw new UserError(`${path}: expected a list of tasks or a mapping with tasks:`);
  }
  return doc;
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/**
 * Adds the imported tasks to tasks.yaml, or updates the fields an import owns when an issue
 * changed; an id already in the file is never added twice. Comments and other tasks are kept.
 * The file is replaced atomically and only when something changed.
 */
export function mergeImportedTasks(
  path: string,
  tasks: readonly ImportedTask[],
): Promise<TasksFileChange> {
  return mergeTasks(path, tasks, OWNED);
}

/**
 * Adds `tasks` to tasks.yaml, or updates the `owned` fields of an entry with the same id; an
 * empty list is left out. `comment(id)` is written above an added entry (e.g. where it came
 * from). Comments, formatting and other tasks are kept; the file is replaced atomically and
 * only when something changed.
 */
export async function mergeTasks<T extends { readonly id: string }>(
  path: string,
  tasks: readonly T[],
  owned: readonly (keyof T & string)[],
  comment?: (id: string) => string | undefined,
): Promise<TasksFileChange> {
  const doc = await readDocument(path);
  const seq = doc.get("tasks");
  if (!isSeq(seq)) throw new UserError(`${path}: expected tasks: to be a list`);
  const change: TasksFileChange = { added: [], updated: [], unchanged: [] };
  for (const task of tasks) {
    const existing = seq.items.find((item) => isMap(item) && item.get("id") === task.id);
    if (!isMap(existing)) {
      const entry: Record<string, unknown> = { id: task.id };
      for (const key of owned) {
        const value: unknown = task[key];
        if (value !== undefined && !(Array.isArray(value) && value.length === 0))
          entry[key] = value;
      }
      const node = doc.createNode(entry);
      const text = comment?.(task.id);
      if (text !== undefined) node.commentBefore = text;
      seq.add(node);
      change.added.push(task.id);
      continue;
    }
    let changed = false;
    for (const key of owned) {
      const value: unknown = task[key];
      const node: unknown = existing.get(key, true);
      const current: unknown = isNode(node) ? node.toJSON() : node;
      const empty = Array.isArray(value) && value.length === 0;
      if (sameValue(current, empty ? undefined : value)) continue;
      if (empty) existing.delete(key);
      else existing.set(key, doc.createNode(value));
      changed = true;
    }
    (changed ? change.updated : change.unchanged).push(task.id);
  }
  if (change.added.length + change.updated.length > 0) {
    const tmp = `${path}.${process.pid}.tmp`;
    await writeFile(tmp, doc.toString());
    await rename(tmp, path);
  }
  return change;
}

/** Ids of the tasks in tasks.yaml (valid or not), in file order. */
export async function taskIdsInFile(path: string): Promise<string[]> {
  const seq = (await readDocument(path)).get("tasks");
  if (!isSeq(seq)) return [];
  return seq.items.flatMap((item) => {
    const id = isMap(item) ? item.get("id") : undefined;
    return typeof id === "string" ? [id] : [];
  });
}
