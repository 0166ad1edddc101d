import { z } from "zod";
import { SystemError } from "../core/errors.js";
import { EVENT_SCHEMA_VERSION, EventBodySchema } from "../core/events.js";
import type { EventBody, StoredEvent } from "../core/events.js";
import type { ChildProcessRecord, RunRecord } from "../core/ports.js";
import { TaskSchema } from "../core/task.js";
import type { Task } from "../core/task.js";

/** Formats zod issues on one line: `path: message; path: message`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((i) => (i.path.length === 0 ? i.message : `${i.path.map(String).join(".")}: ${i.message}`))
    .join("; ");
}

/** Where a row lives, for error messages: `table events (seq 12)`. */
export interface RowRef {
  readonly dbPath: string;
  readonly table: string;
  readonly key: string;
}

function corruptRow(ref: RowRef, detail: string, cause?: unknown): SystemError {
  return new SystemError(
    `state database ${ref.dbPath}: corrupt row in table ${ref.table} (${ref.key}): ${detail}`,
    cause === undefined ? undefined : { cause },
  );
}

/** Parses a JSON column and validates it, or throws a SystemError naming the row. */
function parseJsonColumn<T extends z.ZodType>(ref: RowRef, text: string, schema: T): z.output<T> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw corruptRow(ref, "body is not valid JSON", error);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw corruptRow(ref, `body: ${describeIssues(parsed.error)}`, parsed.error);
  return parsed.data;
}

function parseRow<T extends z.ZodType>(ref: RowRef, row: unknown, schema: T): z.output<T> {
  const parsed = schema.safeParse(row);
  if (!parsed.success) throw corruptRow(ref, describeIssues(parsed.error), parsed.error);
  return parsed.data;
}

const EventRowSchema = z.object({
  seq: z.number().int().positive(),
  task_id: z.string(),
  run_id: z.string().nullable(),
  type: z.string(),
  schema_version: z.number().int().positive(),
  body: z.string(),
  at: z.number(),
});

/** Decodes an `events` row, upgrading older body versions; corrupt rows throw SystemError. */
export function decodeEvent(dbPath: string, row: { readonly seq: unknown }): StoredEvent {
  const ref = { dbPath, table: "events", key: `seq ${String(row.seq)}` };
  const r = parseRow(ref, row, EventRowSchema);
  if (r.schema_version > EVENT_SCHEMA_VERSION) {
    throw corruptRow(
      ref,
      `event schema version ${r.schema_version} is newer than this orchestrator understands ` +
        `(${EVENT_SCHEMA_VERSION}); upgrade the orchestrator`,
    );
  }
  // Version 1 is the only version so far. When the body shapes change, bump
  // EVENT_SCHEMA_VERSION and upgrade older raw bodies here before validation.
  const body: EventBody = parseJsonColumn(ref, r.body, EventBodySchema);
  if (body.type !== r.type) {
    throw corruptRow(ref, `type column says ${r.type} but the body is a ${body.type} event`);
  }
  return { seq: r.seq, taskId: r.task_id, runId: r.run_id, at: r.at, body };
}

const TaskRowSchema = z.object({ id: z.string(), body: z.string() });

/** Decodes a `tasks` row; corrupt rows throw SystemError. */
export function decodeTask(dbPath: string, row: { readonly id: unknown }): Task {
  const ref = { dbPath, table: "tasks", key: `id ${String(row.id)}` };
  const r = parseRow(ref, row, TaskRowSchema);
  const task = parseJsonColumn(ref, r.body, TaskSchema);
  if (task.id !== r.id) throw corruptRow(ref, `body holds task ${task.id}`);
  return task;
}

const RunRowSchema = z.object({
  id: z.string(),
  command: z.string(),
  started_at: z.number(),
  finished_at: z.number().nullable(),
  status: z.string().nullable(),
});

/** Decodes a `runs` row; corrupt rows throw SystemError. */
export function decodeRun(dbPath: string, row: { readonly id: unknown }): RunRecord {
  const r = parseRow({ dbPath, table: "runs", key: `id ${String(row.id)}` }, row, RunRowSchema);
  return {
    id: r.id,
    command: r.command,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    status: r.status,
  };
}

const LeaseRowSchema = z.object({ owner: z.string(), expires_at: z.number() });

/** Decodes a `leases` row; corrupt rows throw SystemError. */
export function decodeLease(
  dbPath: string,
  taskId: string,
  row: unknown,
): { owner: string; expiresAt: number } {
  const r = parseRow({ dbPath, table: "leases", key: `task_id ${taskId}` }, row, LeaseRowSchema);
  return { owner: r.owner, expiresAt: r.expires_at };
}

/** Validates an event body before it is written; a bad body is a bug in the caller. */
export function encodeEventBody(taskId: string, body: unknown): EventBody {
  const parsed = EventBodySchema.safeParse(body);
  if (!parsed.success) {
    throw new SystemError(
      `refusing to append an invalid event for task ${taskId}: ${describeIssues(parsed.error)}`,
      { cause: parsed.error },
    );
  }
  return parsed.data;
}

/** Validates a task before it is written. */
export function encodeTask(task: unknown): Task {
  const parsed = TaskSchema.safeParse(task);
  if (!parsed.success) {
    throw new SystemError(`refusing to save an invalid task: ${describeIssues(parsed.error)}`, {
      cause: parsed.error,
    });
  }
  return parsed.data;
}

const ChildRowSchema = z.object({
  pid: z.number().int().positive(),
  start_time: z.string(),
  pgid: z.number().int().positive(),
  task_id: z.string(),
  attempt: z.number().int().positive().nullable(),
  owner: z.string(),
  command: z.string(),
  started_at: z.number(),
});

/** Decodes a `child_processes` row; corrupt rows throw SystemError. */
export function decodeChild(dbPath: string, row: { readonly pid: unknown }): ChildProcessRecord {
  const ref = { dbPath, table: "child_processes", key: `pid ${String(row.pid)}` };
  const r = parseRow(ref, row, ChildRowSchema);
  return {
    pid: r.pid,
    startTime: r.start_time,
    pgid: r.pgid,
    taskId: r.task_id,
    attempt: r.attempt,
    owner: r.owner,
    command: r.command,
    startedAt: r.started_at,
  };
}
