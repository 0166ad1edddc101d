import type { Command } from "commander";
import { ExitCode, UserError } from "../../core/errors.js";
import type { Task } from "../../core/task.js";
import { TERMINAL_STATES } from "../../core/state-machine.js";
import type { TaskOutcome } from "../../engine/engine.js";
import { batchOrder } from "../../engine/scheduler.js";
import type { CliContext, GlobalOptions } from "../context.js";
import { findRepoRoot, outputFor } from "../context.js";
import { publishOutcomes } from "../github-wiring.js";
import type { Output } from "../output.js";
import { openProject } from "../project.js";
import type { OpenProject } from "../project.js";
import { startObservers } from "../observers.js";
import { LESSON_STATES, rememberTask } from "../../memory/index.js";
import { progressListener } from "../progress.js";

interface RunOptions extends GlobalOptions {
  readonly task?: string;
  readonly batch?: boolean;
}

/** Stops the run cleanly on SIGINT/SIGTERM; the task stays resumable. */
function interruptSignal(): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const onSignal = (): void => {
    controller.abort();
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    },
  };
}

function summarize(out: Output, outcomes: readonly TaskOutcome[]): void {
  if (out.json) return;
  for (const o of outcomes) {
    const committed = o.view.steps.filter((s) => s.status === "committed").length;
    const branch = o.view.workspace?.branch ?? "-";
    out.out(
      `${o.taskId}: ${o.status}${o.interrupted ? " (interrupted; run `orchestrator resume`)" : ""} — ` +
        `branch ${branch}, ${committed} commit(s), $${o.view.costUsd.toFixed(4)}`,
    );
    if (o.view.escalation) {
      out.out(`  waiting for a human: ${o.view.escalation.reason}: ${o.view.escalation.detail}`);
      out.out(`  decide with: orchestrator review ${o.taskId}`);
    }
  }
}

/** Runs tasks in order; a task whose dependencies are not DONE is left for later. */
export async function runTasks(
  ctx: CliContext,
  project: OpenProject,
  tasks: readonly Task[],
  command: string,
  out: Output,
  logLevel?: string,
): Promise<{ outcomes: TaskOutcome[]; exitCode: number }> {
  const run = await project.store.startRun(command);
  const observers = await startObservers(ctx, project, run, {
    logLevel,
    progress: progressListener(out),
  });
  const { signal, dispose } = interruptSignal();
  const engine = project.engine(observers.listener, observers.childEnv);
  let failed = true;
  const outcomes: TaskOutcome[] = [];
  const status = new Map<string, string>();
  try {
    for (const task of tasks) {
      const blocked = task.dependsOn.filter((d) => status.has(d) && status.get(d) !== "DONE");
      if (blocked.length > 0) {
        if (!out.json) out.out(`${task.id}: skipped, waiting for ${blocked.join(", ")}`);
        continue;
      }
      const outcome = await engine.runTask(task, run.id, signal);
      outcomes.push(outcome);
      if (LESSON_STATES.has(outcome.status)) {
        await rememberTask(project.store, project.memory, task.id, run.id, Date.now());
      }
      status.set(task.id, outcome.status);
      if (outcome.interrupted) break;
    }
    failed = false;
  } finally {
    dispose();
    const interrupted = outcomes.some((o) => o.interrupted);
    const runStatus = failed ? "failed" : interrupted ? "interrupted" : "finished";
    if (!failed && (tasks.length > 1 || command === "run --batch")) {
      observers.batchFinished({
        runId: run.id,
        command,
        tasks: outcomes.map((o) => ({
          taskId: o.taskId,
          status: o.status,
          costUsd: o.view.costUsd,
        })),
      });
    }
    await project.store.finishRun(run.id, runStatus);
    await observers.finish(runStatus);
  }
  summarize(out, outcomes);
  // A DONE task opens its pull request, an escalated one comments on its issue (github:).
  const finished = outcomes.filter((o) => !o.interrupted).map((o) => o.taskId);
  await publishOutcomes(
    project,
    ctx.env,
    run.id,
    tasks.filter((t) => finished.includes(t.id)),
    out,
  );
  const interrupted = outcomes.some((o) => o.interrupted);
  const allDone = outcomes.length > 0 && outcomes.every((o) => o.status === "DONE");
  return {
    outcomes,
    exitCode: interrupted ? ExitCode.interrupted : allDone ? ExitCode.ok : ExitCode.taskNotDone,
  };
}

function findTask(tasks: readonly Task[], id: string): Task {
  const task = tasks.find((t) => t.id === id);
  if (!task) {
    throw new UserError(
      `unknown task "${id}" (known: ${tasks.map((t) => t.id).join(", ") || "none"})`,
    );
  }
  return task;
}

export function registerRun(program: Command, ctx: CliContext): void {
  program
    .command("run")
    .description("run one task (--task ID) or every runnable task (--batch)")
    .option("--task <id>", "the task to run")
    .option("--batch", "run all tasks: dependencies first, then by priority")
    .option("--json", "print one JSON line per event")
    .action(async (options: RunOptions) => {
      const global = program.opts<GlobalOptions>();
      const out = outputFor(ctx, options);
      if ((options.task === undefined) === (options.batch !== true)) {
        throw new UserError("give either --task <id> or --batch");
      }
      const project = await openProject(await findRepoRoot(ctx, global.repo), ctx.env, {
        runsModels: true,
      });
      try {
        const tasks =
          options.task === undefined
            ? batchOrder(project.config.tasks)
            : [findTask(project.config.tasks, options.task)];
        ctx.exitCode = (
          await runTasks(
            ctx,
            project,
            tasks,
            options.task ? `run --task ${options.task}` : "run --batch",
            out,
            global.logLevel,
          )
        ).exitCode;
      } finally {
        await project.close();
      }
    });

  program
    .command("resume")
    .description("continue tasks that were interrupted or crashed, from their last durable point")
    .argument("[task]", "only this task")
    .option("--json", "print one JSON line per event")
    .action(async (taskId: string | undefined, options: GlobalOptions) => {
      const global = program.opts<GlobalOptions>();
      const out = outputFor(ctx, options);
      const project = await openProject(await findRepoRoot(ctx, global.repo), ctx.env, {
        runsModels: true,
      });
      try {
        const candidates =
          taskId === undefined
            ? batchOrder(project.config.tasks)
            : [findTask(project.config.tasks, taskId)];
        const resumable: Task[] = [];
        for (const task of candidates) {
          const view = await project.taskView(task.id);
          const started = view.updatedAt !== undefined;
          const state = view.status;
          if (started && state !== "AWAITING_HUMAN_REVIEW" && !TERMINAL_STATES.has(state)) {
            resumable.push(task);
          } else if (taskId !== undefined && !out.json) {
            out.out(`${task.id} is ${state}${started ? "" : " (never run)"}; nothing to resume`);
          }
        }
        if (resumable.length === 0) {
          if (!out.json && taskId === undefined) out.out("nothing to resume");
          ctx.exitCode = ExitCode.ok;
          return;
        }
        ctx.exitCode = (
          await runTasks(ctx, project, resumable, "resume", out, global.logLevel)
        ).exitCode;
      } finally {
        await project.close();
      }
    });
}
