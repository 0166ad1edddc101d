import { BudgetGuard, EXPECTED_OUTPUT_TOKENS, estimateCallCost } from "../costs/index.js";
import type { Clock, ModelRequest, Store } from "../core/ports.js";
import type { ModelSpec } from "../core/project-config.js";
import type { Task } from "../core/task.js";

/** A model call that would pass the task's `budget_usd`; it was not made. */
export class BudgetExceededError extends Error {}

/** Reserves an estimate before each call of a task and settles it with the actual cost. */
export interface TaskBudget {
  /** Throws {@link BudgetExceededError} when the call would pass the budget. */
  reserve(spec: ModelSpec, request: ModelRequest): { settle(actualUsd: number): void };
}

/**
 * The task's budget (`budget_usd` in tasks.yaml), with the spend so far read from its event log,
 * or undefined when the task has none.
 */
export async function openTaskBudget(
  store: Store,
  task: Task,
  clock: Clock,
): Promise<TaskBudget | undefined> {
  const limit = task.budgetUsd;
  if (limit === undefined) return undefined;
  const guard = BudgetGuard.fromEvents(await store.events(task.id), {}, clock);
  return {
    reserve: (spec, request) => {
      const estimate = estimateCallCost(
        request.system.length + request.prompt.length,
        EXPECTED_OUTPUT_TOKENS[request.role],
        spec.price,
      );
      const result = guard.reserve(estimate, { taskId: task.id, taskBudgetUsd: limit });
      if (!result.ok) {
        throw new BudgetExceededError(
          `${request.role} call to ${spec.name} not made: ${result.detail}; raise budget_usd of ${task.id} in tasks.yaml and resume`,
        );
      }
      return { settle: (actualUsd) => guard.settle(result.reservation, actualUsd) };
    },
  };
}
