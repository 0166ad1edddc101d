import { isDeepStrictEqual } from "node:util";
import Database from "better-sqlite3";
import { SystemError } from "../core/errors.js";
import type { StoredEvent } from "../core/events.js";
import type { RunRecord } from "../core/ports.js";
import { projectTask } from "../core/projection.js";
import type { Task } from "../core/task.js";
import { openPostgresStore } from "./postgres-store.js";
import { decodeEvent, decodeRun, decodeTask } from "./rows.js";
import { openSqliteStore } from "./sqlite-store.js";

/** What `migrate-store` copied, and the check that the copy reads the same. */
export interface CopyReport {
  readonly tasks: number;
  readonly runs: number;
  readonly events: number;
  /** Tasks whose projected state (status, steps, cost...) is the same in both stores. */
  readonly projectionsMatched: number;
}

/** Everything in a SQLite state file, in log order. */
function readSqliteState(path: string): {
  tasks: Task[];
  runs: RunRecord[];
  events: StoredEvent[];
} {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const tasks = db
      .prepare("select id, body from tasks order by rowid")
      .all()
      .map((row) => decodeTask(path, row as { id: unknown }));
    const runs = db
      .prepare("select * from runs order by rowid")
      .all()
      .map((row) => decodeRun(path, row as { id: unknown }));
    const events = db
      .prepare("select * from events order by seq")
      .all()
      .map((row) => decodeEvent(path, row as { seq: unknown }));
    return { tasks, runs, events };
  } finally {
    db.close();
  }
}

/**
 * Copies the SQLite state at `sqlitePath` into the empty PostgreSQL database at `url`, keeping
 * sequence numbers, times and ids; then reads every task back from PostgreSQL and compares its
 * projection with the SQLite one. A mismatch is a SystemError naming the task.
 */
export async function copySqliteToPostgres(sqlitePath: string, url: string): Promise<CopyReport> {
  // Opening through the store first applies pending SQLite migrations (and refuses newer files).
  await (await openSqliteStore(sqlitePath)).close();
  const state = readSqliteState(sqlitePath);
  const target = await openPostgresStore(url);
  try {
    await target.importState(state);
    const ids = new Set([...state.tasks.map((t) => t.id), ...state.events.map((e) => e.taskId)]);
    let matched = 0;
    for (const id of ids) {
      const before = projectTask(
        id,
        state.events.filter((e) => e.taskId === id),
      );
      const after = projectTask(id, await target.events(id));
      if (!isDeepStrictEqual(before, after)) {
        throw new SystemError(
          `migrate-store: task ${id} reads differently in ${target.where} than in ${sqlitePath}`,
        );
      }
      matched++;
    }
    const runs = await target.listRuns();
    if (!isDeepStrictEqual(runs, state.runs)) {
      throw new SystemError(`migrate-store: the runs read differently in ${target.where}`);
    }
    return {
      tasks: state.tasks.length,
      runs: state.runs.length,
      events: state.events.length,
      projectionsMatched: matched,
    };
  } finally {
    await target.close();
  }
}
