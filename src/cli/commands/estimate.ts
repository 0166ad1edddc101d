import type { Command } from "commander";
import { loadProjectConfig } from "../../config/index.js";
import { UserError } from "../../core/errors.js";
import type { StoredEvent } from "../../core/events.js";
import type { ModelSpec, ProjectConfig } from "../../core/project-config.js";
import { projectTask } from "../../core/projection.js";
import type { Role, Task } from "../../core/task.js";
import { costHistory, estimateTask, sumEstimates } from "../../costs/index.js";
import type { CostHistory, EstimateLine, TaskEstimate } from "../../costs/index.js";
import { routeByRules, routeLearned, routingHistory, seededRng } from "../../routing/index.js";
import type { RouteRequest, RoutingHistory } from "../../routing/index.js";
import { openSqliteStore } from "../../store/index.js";
import type { CliContext, GlobalOptions } from "../context.js";
import { findRepoRoot, hasState, outputFor, stateDbPath } from "../context.js";
import type { Output } from "../output.js";
import { allEvents } from "../../engine/all-events.js";
import { taskBudgetUsd } from "../../engine/task-budget.js";

/** One task's expected cost range. */
export interface EstimateRow {
  readonly task: string;
  /** Steps assumed: the recorded plan's, else the history's or the seed's usual range. */
  readonly steps: { readonly low: number; readonly high: number; readonly source: string };
  readonly low: number;
  readonly high: number;
  /** `history` when every figure came from past runs, `defaults` when none did, else `mixed`. */
  readonly basis: "history" | "defaults" | "mixed";
  /** The model the routing would pick for each role (see `strategy`). */
  readonly models: Readonly<Record<Role, string>>;
  /**
   * `rules`, or `learned`: the learned policy's expected choices (posterior means, no
   * exploration) from the routing history, as `routing.strategy: learned` would route.
   */
  readonly strategy: "rules" | "learned";
  readonly lines: readonly EstimateLine[];
  /** The task's budget: its `budget_usd`, or the default (`budgets.task_usd`, built in $20). */
  readonly budget: { readonly usd: number; readonly source: "task" | "default" };
}

export interface EstimateResult {
  /** How the models were chosen: `rules`, or the learned policy's expected choices. */
  readonly strategy: "rules" | "learned";
  readonly tasks: readonly EstimateRow[];
  readonly total: { readonly low: number; readonly high: number };
}

/**
 * The models a task's roles would be routed to, reviewers of another family than the author:
 * by the rules, or with a routing history (`routing.strategy: learned`) by the learned policy's
 * expected choice.
 */
export function routedModels(
  config: ProjectConfig,
  task: Task,
  history?: RoutingHistory,
): Record<Role, ModelSpec> {
  const route = (req: RouteRequest): ModelSpec =>
    history === undefined
      ? routeByRules(config.models, req).model
      : routeLearned(config.models, history, req, {
          ...config.models.routing.learned,
          rng: seededRng(0),
          expected: true,
        }).model;
  const req = { risk: task.risk, area: task.area };
  const planner = route({ ...req, role: "planner" });
  const implementer = route({ ...req, role: "implementer" });
  return {
    planner,
    plan_reviewer: route({ ...req, role: "plan_reviewer", authorFamily: planner.family }),
    implementer,
    code_reviewer: route({ ...req, role: "code_reviewer", authorFamily: implementer.family }),
  };
}

function estimateRow(
  config: ProjectConfig,
  task: Task,
  events: readonly StoredEvent[],
  history: CostHistory,
  routing: RoutingHistory | undefined,
): { row: EstimateRow; estimate: TaskEstimate } {
  const models = routedModels(config, task, routing);
  const plan = projectTask(task.id, events).plan;
  const e = estimateTask(
    {
      steps: plan?.steps.length,
      models,
      maxAttempts: config.quality.maxAttempts,
      planReviewRounds: config.quality.planReviewRounds,
    },
    history,
  );
  const row: EstimateRow = {
    task: task.id,
    steps: e.steps,
    low: e.low,
    high: e.high,
    basis: e.basis === "seed" ? "defaults" : e.basis,
    strategy: routing === undefined ? "rules" : "learned",
    models: {
      planner: models.planner.name,
      plan_reviewer: models.plan_reviewer.name,
      implementer: models.implementer.name,
      code_reviewer: models.code_reviewer.name,
    },
    lines: e.lines,
    budget: taskBudgetUsd(task, config.models.budgets),
  };
  return { row, estimate: e };
}

/** Estimates one task (`taskId`) or every task in tasks.yaml (`undefined`). */
export async function estimateTasks(
  repoRoot: string,
  taskId: string | undefined,
  env: NodeJS.ProcessEnv,
): Promise<EstimateResult> {
  const config = await loadProjectConfig(repoRoot, { env, requireTasks: false });
  const tasks = new Map(config.tasks.map((t) => [t.id, t]));
  let events: StoredEvent[] = [];
  if (hasState(repoRoot)) {
    const store = await openSqliteStore(stateDbPath(repoRoot), { mustExist: true });
    try {
      for (const t of await store.listTasks()) if (!tasks.has(t.id)) tasks.set(t.id, t);
      events = await allEvents(store);
    } finally {
      await store.close();
    }
  }
  let chosen = config.tasks;
  if (taskId !== undefined) {
    const task = tasks.get(taskId);
    if (!task) {
      throw new UserError(
        `unknown task "${taskId}" (known: ${[...tasks.keys()].join(", ") || "none"})`,
      );
    }
    chosen = [task];
  }
  const history = costHistory(events, config.models.models);
  const learned = config.models.routing.strategy === "learned";
  const routing = learned ? routingHistory(events) : undefined;
  const estimates = chosen.map((t) =>
    estimateRow(
      config,
      t,
      events.filter((e) => e.taskId === t.id),
      history,
      routing,
    ),
  );
  return {
    strategy: learned ? "learned" : "rules",
    tasks: estimates.map((x) => x.row),
    total: sumEstimates(estimates.map((x) => x.estimate)),
  };
}

const usd = (n: number): string => `$${n.toFixed(4)}`;

function printEstimate(out: Output, result: EstimateResult): void {
  if (result.tasks.length === 0) {
    out.out("no tasks (add some to .orchestrator/tasks.yaml)");
    return;
  }
  const width = Math.max(5, ...result.tasks.map((r) => r.task.length));
  out.out(
    out.color.bold(
      `${"TASK".padEnd(width)}  ${"STEPS".padStart(5)}  ${"LOW".padStart(10)}  ` +
        `${"HIGH".padStart(10)}  ${"BUDGET".padStart(10)}  BASIS`,
    ),
  );
  for (const r of result.tasks) {
    const steps =
      r.steps.low === r.steps.high ? String(r.steps.low) : `${r.steps.low}-${r.steps.high}`;
    const budget = `${r.budget.source === "default" ? "*" : ""}${usd(r.budget.usd)}`;
    out.out(
      `${r.task.padEnd(width)}  ${steps.padStart(5)}  ${usd(r.low).padStart(10)}  ` +
        `${usd(r.high).padStart(10)}  ${budget.padStart(10)}  ${r.basis}`,
    );
  }
  out.out(
    out.color.bold(
      `${"TOTAL".padEnd(width)}         ${usd(result.total.low).padStart(10)}  ` +
        usd(result.total.high).padStart(10),
    ),
  );
  if (result.tasks.some((r) => r.budget.source === "default")) {
    out.out(
      "*: the default budget of a task without budget_usd (budgets.task_usd in model_config.yaml)",
    );
  }
  out.out(
    result.strategy === "learned"
      ? "models: the learned policy's expected choices from the routing history (routing.strategy: learned)"
      : "models: as the routing rules pick them (routing.strategy: rules)",
  );
}

interface EstimateOptions {
  readonly task?: string;
  readonly batch?: boolean;
  readonly json?: boolean;
}

export function registerEstimate(program: Command, ctx: CliContext): void {
  program
    .command("estimate")
    .description("expected cost range (USD) of a task (--task ID) or of every task (--batch)")
    .option("--task <id>", "the task to estimate")
    .option("--batch", "estimate every task in tasks.yaml (the default)")
    .option("--json", "print JSON for scripts")
    .action(async (options: EstimateOptions) => {
      const global = program.opts<GlobalOptions>();
      const out = outputFor(ctx, options);
      if (options.task !== undefined && options.batch === true) {
        throw new UserError("give either --task <id> or --batch, not both");
      }
      const result = await estimateTasks(
        await findRepoRoot(ctx, global.repo),
        options.task,
        ctx.env,
      );
      if (out.json) out.emit(result);
      else printEstimate(out, result);
    });
}
