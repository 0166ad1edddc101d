import { BudgetGuard, EXPECTED_OUTPUT_TOKENS, estimateCallCost } from "../costs/index.js";
import type { StoredEvent } from "../core/events.js";
import type { Clock, ModelRequest } from "../core/ports.js";
import type { BudgetsConfig, ModelSpec } from "../core/project-config.js";
import { DEFAULT_TASK_BUDGET_USD } from "../core/project-config.js";
import type { Task } from "../core/task.js";

/** A model call that would pass the task's `budget_usd`; it was not made. */
export class BudgetExceededError extends Error {}

/** Reserves an estimate before each call of a task and settles it with the actual cost. */
export interface TaskBudget {
  /** Throws {@link BudgetExceededError} when the call would pass the budget. */
  reserve(
    spec: ModelSpec,
    request: ModelRequest,
  ): { readonly warnings: readonly string[]; settle(actualUsd: number): readonly string[] };
}

/** Whether day or month limits are set: they count every task's spend, not only this one's. */
export function limitsAcrossTasks(limits: BudgetsConfig | undefined): boolean {
  return limits?.dailyUsd !== undefined || limits?.monthlyUsd !== undefined;
}

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
 * The task's budget (`budget_usd` in tasks.yaml, and the day and month `budgets:`), with the
 * spend so far taken from `events` (every task's when {@link limitsAcrossTasks}, else this
 * task's). Every task has a budget (see {@link taskBudgetUsd}).
 */
export function openTaskBudget(
  task: Task,
  clock: Clock,
  limits: BudgetsConfig | undefined,
  events: readonly StoredEvent[],
): TaskBudget | undefined {
  const limit = taskBudgetUsd(task, limits).usd;
  const guard = BudgetGuard.fromEvents(
    events,
    {
      dailyUsd: limits?.dailyUsd,
      monthlyUsd: limits?.monthlyUsd,
      warnFraction: limits?.warnFraction,
    },
    clock,
  );
  return {
    reserve: (spec, request) => {
      const estimate = estimateCallCost(
        request.system.length + request.prompt.length,
        EXPECTED_OUTPUT_TOKENS[request.role],
        spec.price,
      );
      const result = guard.reserve(estimate, { taskId: task.id, taskBudgetUsd: limit });
      if (!result.ok) {
        const where =
          result.scope === "task"
            ? task.budgetUsd === undefined
              ? `budget_usd of ${task.id} in tasks.yaml (its default is budgets.task_usd in model_config.yaml)`
              : `budget_usd of ${task.id} in tasks.yaml`
            : `budgets.${result.scope === "day" ? "daily_usd" : "monthly_usd"} in model_config.yaml`;
        throw new BudgetExceededError(
          `${request.role} call to ${spec.name} not made: ${result.detail}; raise ${where} and resume`,
        );
      }
      return {
        warnings: result.warnings.map((w) => w.message),
        settle: (actualUsd) => guard.settle(result.reservation, actualUsd).map((w) => w.message),
      };
    },
  };
}
