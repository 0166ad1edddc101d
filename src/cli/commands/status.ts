import type { Command } from "commander";
import { loadProjectConfig } from "../../config/load-project-config.js";
import type { TaskView } from "../../core/projection.js";
import { projectTask } from "../../core/projection.js";
import type { Store } from "../../core/ports.js";
import type { Task } from "../../core/task.js";
import { ownerIsDead } from "../../engine/lease-owner.js";
import type { CliContext, GlobalOptions } from "../context.js";
import { findRepoRoot, outputFor } from "../context.js";
import { hasStateAt, locateState, openStore } from "../state-store.js";
import type { Output } from "../output.js";

/** One row of `status`: the task and what its events say. */
export interface StatusRow {
  readonly id: string;
  readonly goal: string;
  readonly risk: string;
  readonly area: string;
  readonly state: string;
  readonly step: string | null;
  readonly stepsDone: number;
  readonly stepsTotal: number;
  readonly attempts: number;
  readonly costUsd: number;
  readonly reason: string | null;
  /**
   * For a task that is under way (neither NEW, DONE, ABORTED, FAILED nor waiting for a human):
   * `running` while a live process holds its lease, else `interrupted` (resume it). Else null.
   */
  readonly activity: "running" | "interrupted" | null;
}

/** States in which nothing runs: not started, finished, or waiting for a human. */
const IDLE_STATES: ReadonlySet<string> = new Set([
  "NEW",
  "DONE",
  "ABORTED",
  "FAILED",
  "AWAITING_HUMAN_REVIEW",
]);

/** Whether a process still holds the task's lease (unexpired, and not a dead local process). */
async function leaseIsLive(store: Store, taskId: string): Promise<boolean> {
  const holder = await store.leaseHolder(taskId);
  return holder !== undefined && !ownerIsDead(holder.owner);
}

function toRow(task: Task, view: TaskView, live = false): StatusRow {
  const current = view.steps.find((s) => s.id === view.currentStepId);
  return {
    id: task.id,
    goal: task.goal,
    risk: task.risk,
    area: task.area,
    state: view.status,
    step: view.currentStepId ?? null,
    stepsDone: view.steps.filter((s) => s.status === "committed" || s.status === "skipped").length,
    stepsTotal: view.steps.length,
    attempts: current?.attempts ?? 0,
    costUsd: Math.round(view.costUsd * 1e6) / 1e6,
    reason: view.escalation ? `${view.escalation.reason}: ${view.escalation.detail}` : null,
    activity: IDLE_STATES.has(view.status) ? null : live ? "running" : "interrupted",
  };
}

/** Reads every known task's view; opens no database when there is none yet. */
export async function readStatus(repoRoot: string, env: NodeJS.ProcessEnv): Promise<StatusRow[]> {
  const config = await loadProjectConfig(repoRoot, { env, requireTasks: false });
  const tasks = new Map(config.tasks.map((t) => [t.id, t]));
  const state = await locateState(repoRoot, env);
  if (!hasStateAt(state)) return config.tasks.map((t) => toRow(t, projectTask(t.id, [])));
  const store = await openStore(state, { mustExist: true });
  try {
    for (const t of await store.listTasks()) if (!tasks.has(t.id)) tasks.set(t.id, t);
    const rows: StatusRow[] = [];
    for (const task of tasks.values()) {
      const view = projectTask(task.id, await store.events(task.id));
      const live = !IDLE_STATES.has(view.status) && (await leaseIsLive(store, task.id));
      rows.push(toRow(task, view, live));
    }
    return rows;
  } finally {
    await store.close();
  }
}

function stateColor(out: Output, state: string): string {
  const c = out.color;
  if (state === "DONE") return c.green(state);
  if (state === "AWAITING_HUMAN_REVIEW") return c.yellow(state);
  if (state === "FAILED" || state === "ABORTED") return c.red(state);
  if (state === "NEW") return c.dim(state);
  return c.cyan(state);
}

function printTable(out: Output, rows: readonly StatusRow[]): void {
  if (rows.length === 0) {
    out.out("no tasks (add some to .orchestrator/tasks.yaml)");
    return;
  }
  const idWidth = Math.max(4, ...rows.map((r) => r.id.length));
  out.out(
    out.color.bold(
      `${"TASK".padEnd(idWidth)}  ${"STATE".padEnd(21)}  ${"STEP".padEnd(9)}  ATT  COST`,
    ),
  );
  for (const r of rows) {
    const step = r.stepsTotal === 0 ? "-" : `${r.stepsDone}/${r.stepsTotal}`;
    out.out(
      `${r.id.padEnd(idWidth)}  ${stateColor(out, r.state.padEnd(21))}  ${step.padEnd(9)}  ` +
        `${String(r.attempts).padStart(3)}  $${r.costUsd.toFixed(4)}`,
    );
    if (r.reason !== null) out.out(`${"".padEnd(idWidth)}  ${out.color.yellow(`↳ ${r.reason}`)}`);
    if (r.activity === "running") {
      out.out(
        `${"".padEnd(idWidth)}  ${out.color.cyan("↳ running now (a live process holds its lease)")}`,
      );
    } else if (r.activity === "interrupted") {
      out.out(
        `${"".padEnd(idWidth)}  ${out.color.yellow(`↳ interrupted: no process runs it; continue with: orchestrator resume ${r.id}`)}`,
      );
    }
  }
}

export function registerStatus(program: Command, ctx: CliContext): void {
  program
    .command("status")
    .description("list tasks with their state, step, attempts and cost")
    .option("--json", "print JSON for scripts")
    .action(async (options: GlobalOptions) => {
      const global = program.opts<GlobalOptions>();
      const out = outputFor(ctx, options);
      const rows = await readStatus(await findRepoRoot(ctx, global.repo), ctx.env);
      if (out.json) out.emit(rows);
      else printTable(out, rows);
    });
}
