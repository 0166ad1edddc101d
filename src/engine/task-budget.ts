import { EXPECTED_OUTPUT_TOKENS, dayKey, estimateCallCost, monthKey } from "../costs/index.js";
import type { BudgetTotals, Clock, ModelRequest, Store, SyncOptions } from "../core/ports.js";
import type { BudgetsConfig, ModelSpec } from "../core/project-config.js";
import { DEFAULT_TASK_BUDGET_USD } from "../core/project-config.js";
import type { Task } from "../core/task.js";

/** A model call that would pass a budget (the task's, the day's or the month's); it was not made. */
export class BudgetExceededError extends Error {}

/** A reservation made for one call: settle it with the call's actual cost. */
export interface BudgetHold {
  readonly warnings: readonly string[];
  settle(actualUsd: number, options?: SyncOptions): Promise<void>;
}

/**
 * Reserves an estimate in the store before each call of a task and settles it with the actual
 * cost, so every task and process sharing the store sees each other's spend and reservations.
 */
export interface TaskBudget {
  /** Throws {@link BudgetExceededError} when the call would pass a limit. */
  reserve(spec: ModelSpec, request: ModelRequest): Promise<BudgetHold>;
}

/** Whether day or month limits are set: they count every task's spend, not only this one's. */
export function limitsAcrossTasks(limits: BudgetsConfig | undefined): boolean {
  return limits?.dailyUsd !== undefined || limits?.monthlyUsd !== undefined;
}

/** A reservation the process never settles (it died mid-call) stops counting after this. */
const RESERVATION_GRACE_MS = 5 * 60_000;

const usd = (n: number): string => `$${n.toFixed(n < 1 ? 4 : 2)}`;

/**
 * A task's budget in USD: its `budget_usd`, else `budgets.task_usd` of model_config.yaml, else
 * {@link DEFAULT_TASK_BUDGET_USD}. No task runs without a limit.
 */
export function taskBudgetUsd(
  task: Pick<Task, "budgetUsd">,
  limits: BudgetsConfig | undefined,
): { usd: number; source: "task" | "default" } {
  if (task.budgetUsd !== undefined) return { usd: task.budgetUsd, source: "task" };
  return { usd: limits?.taskUsd ?? DEFAULT_TASK_BUDGET_USD, source: "default" };
}

/**
 * The task's budget (`budget_usd` in tasks.yaml, and the day and month `budgets:`) checked in
 * the store, or undefined when no limit applies.
 */
export function openTaskBudget(
  task: Task,
  clock: Clock,
  limits: BudgetsConfig | undefined,
  store: Store,
): TaskBudget | undefined {
  const taskUsd = taskBudgetUsd(task, limits).usd;
  const caps = { task: taskUsd, day: limits?.dailyUsd, month: limits?.monthlyUsd };
  const warned = new Set<string>();
  const warnings = (keys: Record<keyof BudgetTotals, string>, spent: BudgetTotals): string[] => {
    const fraction = limits?.warnFraction ?? 0.8;
    const out: string[] = [];
    for (const scope of ["task", "day", "month"] as const) {
      const cap = caps[scope];
      if (cap === undefined || spent[scope] < fraction * cap || warned.has(scope)) continue;
      warned.add(scope);
      out.push(
        `${scope} ${keys[scope]} has spent ${usd(spent[scope])} of its ${usd(cap)} budget ` +
          `(${cap > 0 ? Math.round((spent[scope] / cap) * 100) : 100}%)`,
      );
    }
    return out;
  };
  return {
    reserve: async (spec, request) => {
      const estimate = estimateCallCost(
        request.system.length + request.prompt.length,
        EXPECTED_OUTPUT_TOKENS[request.role],
        spec.price,
      );
      const now = clock.now();
      const keys = { task: task.id, day: dayKey(now), month: monthKey(now) };
      const result = await store.reserveBudget({
        taskId: task.id,
        estimateUsd: estimate,
        day: keys.day,
        month: keys.month,
        limits: { taskUsd, dailyUsd: caps.day, monthlyUsd: caps.month },
        expiresAt: now + spec.timeoutMs + RESERVATION_GRACE_MS,
      });
      if (!result.ok) {
        const { scope } = result;
        const where =
          scope === "task"
            ? task.budgetUsd === undefined
              ? `budget_usd of ${task.id} in tasks.yaml (its default is budgets.task_usd in model_config.yaml)`
              : `budget_usd of ${task.id} in tasks.yaml`
            : `budgets.${scope === "day" ? "daily_usd" : "monthly_usd"} in model_config.yaml`;
        throw new BudgetExceededError(
          `${request.role} call to ${spec.name} not made: ${scope} budget ` +
            `${usd(result.limitUsd)} (${scope === "task" ? "task " : ""}${keys[scope]}): ` +
            `spent ${usd(result.spent[scope])}, reserved by calls in flight ` +
            `${usd(result.reserved[scope])}, this call needs about ${usd(estimate)}; ` +
            `raise ${where} and resume`,
        );
      }
      return {
        warnings: warnings(keys, result.spent),
        settle: (actualUsd, options) => store.settleBudget(result.id, actualUsd, options),
      };
    },
  };
}
