import { sql } from "kysely";
import type { QueryExecutorProvider } from "kysely";
import { decodeLease } from "./rows.js";

/*
 * The task-lease queries, the same for SQLite and PostgreSQL (both have the `leases` table of
 * schema.ts and `INSERT ... ON CONFLICT ... DO UPDATE ... WHERE` with RETURNING). Written as SQL
 * so that one function serves both stores' Kysely instances, whatever else their schemas hold.
 */

/**
 * Takes a task's lease for `owner` until `now + ttlMs`: one atomic upsert. It inserts a free
 * lease, or takes over one that is ours or expired; otherwise the WHERE leaves the row alone
 * and nothing is returned. (PostgreSQL's ON CONFLICT DO UPDATE locks the existing row and
 * evaluates the WHERE on its latest version, so two processes racing for an expired lease
 * cannot both win; SQLite runs one writer at a time.)
 */
export async function acquireLeaseRow(
  db: QueryExecutorProvider,
  now: number,
  taskId: string,
  owner: string,
  ttlMs: number,
): Promise<boolean> {
  const { rows } = await sql`
    insert into leases (task_id, owner, expires_at) values (${taskId}, ${owner}, ${now + ttlMs})
    on conflict (task_id) do update set owner = excluded.owner, expires_at = excluded.expires_at
    where leases.owner = ${owner} or leases.expires_at <= ${now}
    returning task_id`.execute(db);
  return rows.length > 0;
}

/** Extends `owner`'s lease to `now + ttlMs`; false when another owner holds it. */
export async function renewLeaseRow(
  db: QueryExecutorProvider,
  now: number,
  taskId: string,
  owner: string,
  ttlMs: number,
): Promise<boolean> {
  const { rows } = await sql`
    update leases set expires_at = ${now + ttlMs}
    where task_id = ${taskId} and owner = ${owner}
    returning task_id`.execute(db);
  return rows.length > 0;
}

/** Gives `owner`'s lease back; a lease held by another owner is left alone. */
export async function releaseLeaseRow(
  db: QueryExecutorProvider,
  taskId: string,
  owner: string,
): Promise<void> {
  await sql`delete from leases where task_id = ${taskId} and owner = ${owner}`.execute(db);
}

/** The unexpired holder of a task's lease, if any; `where` names the store in errors. */
export async function leaseHolderRow(
  db: QueryExecutorProvider,
  now: number,
  where: string,
  taskId: string,
): Promise<{ owner: string; expiresAt: number } | undefined> {
  const { rows } = await sql<{ owner: unknown; expires_at: unknown }>`
    select owner, expires_at from leases where task_id = ${taskId} and expires_at > ${now}`.execute(
    db,
  );
  const [row] = rows;
  return row && decodeLease(where, taskId, row);
}
