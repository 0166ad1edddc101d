import { z } from "zod";
import type { BudgetReservationRequest, BudgetTotals } from "../core/ports.js";

/** Sums of floating-point costs may pass a limit by rounding alone; that is not spend. */
export const LIMIT_EPSILON = 1e-9;

/** A row of per-scope sums read back from `budget_ledger`. */
export const BudgetTotalsRowSchema = z.object({
  task: z.number(),
  day: z.number(),
  month: z.number(),
});

/** The three scopes of a reservation, with their ledger column, key and limit. */
export function budgetScopes(request: BudgetReservationRequest) {
  return [
    { scope: "task", column: "task_id", key: request.taskId, limit: request.limits.taskUsd },
    { scope: "day", column: "day", key: request.day, limit: request.limits.dailyUsd },
    { scope: "month", column: "month", key: request.month, limit: request.limits.monthlyUsd },
  ] as const;
}

/** The first scope whose limit `estimate` passes on top of `spent` and `reserved`. */
export function overScope(
  request: BudgetReservationRequest,
  estimate: number,
  spent: BudgetTotals,
  reserved: BudgetTotals,
): { scope: "task" | "day" | "month"; limitUsd: number } {
  const scopes = budgetScopes(request);
  const over = scopes.find(
    ({ scope, limit }) =>
      limit !== undefined && spent[scope] + reserved[scope] + estimate > limit + LIMIT_EPSILON,
  ) ??
    scopes.find(({ limit }) => limit !== undefined) ?? { scope: "task" as const, limit: 0 };
  return { scope: over.scope, limitUsd: over.limit ?? 0 };
}
