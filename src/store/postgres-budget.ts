import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import type { Kysely, RawBuilder } from "kysely";
import type {
  BudgetReservationRequest,
  BudgetReservationResult,
  BudgetTotals,
} from "../core/ports.js";
import { BudgetTotalsRowSchema, LIMIT_EPSILON, budgetScopes, overScope } from "./budget-scopes.js";
import type { PgStoreDatabase } from "./postgres-schema.js";

/**
 * An arbitrary constant key for the transaction-level advisory lock that serialises budget
 * reservations. Under READ COMMITTED an `INSERT ... SELECT ... WHERE sum fits` is not enough
 * on its own: two transactions each see the other's row as not yet committed, and both pass.
 */
const BUDGET_LOCK_KEY = 7_306_114_211;

/**
 * Sets `request.estimateUsd` aside in `budget_ledger` unless it would pass a limit: the check
 * and the insert run in one transaction holding {@link BUDGET_LOCK_KEY}, so reservations from
 * every process using the database are checked one after another. Held for one statement.
 */
export async function reservePgBudget(
  db: Kysely<PgStoreDatabase>,
  now: number,
  request: BudgetReservationRequest,
): Promise<BudgetReservationResult> {
  const id = randomUUID();
  const estimate = Math.max(0, request.estimateUsd);
  const fits = budgetScopes(request).map(({ column, key, limit }) =>
    limit === undefined
      ? sql`true`
      : sql`(select coalesce(sum(amount_usd), 0) from budget_ledger
             where ${sql.ref(column)} = ${key} and (settled = 1 or expires_at > ${now}))
            + ${estimate} <= ${limit + LIMIT_EPSILON}`,
  );
  return db.transaction().execute(async (tx) => {
    await sql`select pg_advisory_xact_lock(${BUDGET_LOCK_KEY})`.execute(tx);
    const inserted = await sql`
      insert into budget_ledger (id, task_id, day, month, amount_usd, settled, expires_at)
      select ${id}, ${request.taskId}, ${request.day}, ${request.month},
             ${estimate}::double precision, 0, ${request.expiresAt}::bigint
      where ${sql.join(fits, sql` and `)}
    `.execute(tx);
    const ok = (inserted.numAffectedRows ?? 0n) > 0n;
    const spent = await budgetTotals(tx, request, sql`settled = 1`);
    const reserved = await budgetTotals(
      tx,
      request,
      sql`settled = 0 and expires_at > ${now} and id <> ${id}`,
    );
    if (ok) return { ok, id, spent, reserved };
    return { ok, ...overScope(request, estimate, spent, reserved), spent, reserved };
  });
}

/** Replaces an unsettled reservation by the actual cost; a settled one is left alone. */
export async function settlePgBudget(
  db: Kysely<PgStoreDatabase>,
  reservationId: string,
  actualUsd: number,
  sync = true,
): Promise<void> {
  await db.transaction().execute(async (tx) => {
    // Not waiting for the WAL flush: the caller's next synchronous commit flushes it.
    if (!sync) await sql`set local synchronous_commit = off`.execute(tx);
    await tx
      .updateTable("budget_ledger")
      .set({ amount_usd: Math.max(0, actualUsd), settled: 1 })
      .where("id", "=", reservationId)
      .where("settled", "=", 0)
      .execute();
  });
}

async function budgetTotals(
  db: Kysely<PgStoreDatabase>,
  request: BudgetReservationRequest,
  where: RawBuilder<unknown>,
): Promise<BudgetTotals> {
  const { rows } = await sql`
    select
      coalesce(sum(case when task_id = ${request.taskId} then amount_usd end), 0) as task,
      coalesce(sum(case when day = ${request.day} then amount_usd end), 0) as day,
      coalesce(sum(case when month = ${request.month} then amount_usd end), 0) as month
    from budget_ledger
    where ${where} and (task_id = ${request.taskId} or month = ${request.month})
  `.execute(db);
  return BudgetTotalsRowSchema.parse(rows[0]);
}

/**
 * Settled ledger rows for the cost of every `model.call` event not yet in the ledger (ids
 * `event-<seq>`): spend recorded before the ledger existed, or copied in by `migrate-store`,
 * keeps counting against the limits. Days and months are UTC, as the engine's.
 */
export function backfillPgLedger(): RawBuilder<unknown> {
  return sql`
    insert into budget_ledger (id, task_id, day, month, amount_usd, settled, expires_at)
    select 'event-' || seq, task_id,
           to_char(to_timestamp(at / 1000.0) at time zone 'UTC', 'YYYY-MM-DD'),
           to_char(to_timestamp(at / 1000.0) at time zone 'UTC', 'YYYY-MM'),
           (body::jsonb ->> 'costUsd')::double precision, 1, 0
    from events
    where type = 'model.call' and coalesce((body::jsonb ->> 'costUsd')::double precision, 0) > 0
    on conflict (id) do nothing
  `;
}
