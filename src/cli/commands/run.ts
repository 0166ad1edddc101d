import type { Command } from "commander";
import { ExitCode, UserError, exitCodeFor } from "../../core/errors.js";
import type { EventListener } from "../../core/event-listener.js";
import { TaskRecorder } from "../../engine/task-recorder.js";
import type { Task } from "../../core/task.js";
import { TERMINAL_STATES } from "../../core/state-machine.js";
import type { TaskOutcome } from "../../engine/engine.js";
import type { BacklogResult } from "../../scheduler/backlog.js";
import { runBatch } from "../../scheduler/batch.js";
import type { TaskRunner } from "../../scheduler/batch.js";
import { dependencyOrder } from "../../scheduler/readiness.js";
import type { CliContext, GlobalOptions } from "../context.js";
import { findRepoRoot, outputFor } from "../context.js";
import { publishOutcomes } from "../github-wiring.js";
import type { Output } from "../output.js";
import { openProject } from "../project.js";
import type { OpenProject } from "../project.js";
import { startObservers } from "../observers.js";
import { LESSON_STATES, rememberTask } from "../../memory/index.js";
import { progressListener } from "../progress.js";
import { ProgressBoard } from "../progress-board.js";

interface RunOptions extends GlobalOptions {
  readonly task?: string;
  readonly batch?: boolean;
  readonly allowEmptyGate?: boolean;
  readonly jobs?: string;
  readonly ignoreDeps?: boolean;
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

/** `--jobs N`, else `concurrency:` of model_config.yaml, else 4. */
export function parseJobs(raw: string | undefined, configured: number | undefined): number {
  if (raw === undefined) return configured ?? DEFAULT_JOBS;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) {
    throw new UserError(`--jobs: expected a whole number of at least 1, found "${raw}"`);
  }
  return Number(raw);
}

const DEFAULT_JOBS = 4;

/** How a batch is run. */
export interface RunTasksOptions {
  readonly jobs: number;
  readonly logLevel?: string | undefined;
  readonly ignoreDeps?: boolean;
}

/**
 * Runs tasks concurrently (up to `jobs` at once), each once its dependencies are DONE; a task
 * whose dependency did not end DONE is skipped. Every task is registered first, so `resume`
 * after a crash also finishes the tasks that had not started.
 */
export async function runTasks(
  ctx: CliContext,
  project: OpenProject,
  tasks: readonly Task[],
  command: string,
  out: Output,
  options: RunTasksOptions,
): Promise<{ outcomes: TaskOutcome[]; exitCode: number }> {
  const run = await project.store.startRun(command);
  const board =
    !out.json && out.interactive && tasks.length > 1
      ? new ProgressBoard(out, (text) => ctx.stdout.write(text))
      : undefined;
  const observers = await startObservers(ctx, project, run, {
    logLevel: options.logLevel,
    progress: board?.listener ?? progressListener(out),
  });
  const { signal, dispose } = interruptSignal();
  const engine = project.engine(observers.listener, observers.childEnv);
  let failed = true;
  let result: BacklogResult<TaskOutcome> | undefined;
  try {
    await registerTasks(project, tasks, run.id, observers.listener);
    result = await runBatch({
      tasks,
      jobs: options.jobs,
      engine: rememberingLessons(project, engine),
      taskView: (id) => project.taskView(id),
      allTaskIds: project.config.tasks.map((t) => t.id),
      runId: run.id,
      signal,
      ...(options.ignoreDeps === true ? { ignoreDeps: true } : {}),
      onBlocked: (b) => {
        if (out.json) return;
        const why = b.waitingFor.map((w) => `${w.id} (${w.status})`).join(", ");
        out.out(`${b.task.id}: skipped, waiting for ${why}`);
      },
    });
    failed = false;
  } finally {
    board?.stop();
    dispose();
    const interrupted = signal.aborted || (result?.outcomes.some((o) => o.interrupted) ?? false);
    const runStatus = failed ? "failed" : interrupted ? "interrupted" : "finished";
    if (result !== undefined && (tasks.length > 1 || command === "run --batch")) {
      observers.batchFinished({
        runId: run.id,
        command,
        tasks: result.outcomes.map((o) => ({
          taskId: o.taskId,
          status: o.status,
          costUsd: o.view.costUsd,
        })),
      });
    }
    await project.store.finishRun(run.id, runStatus);
    await observers.finish(runStatus);
  }
  const { outcomes, errors, blocked } = result;
  summarize(out, outcomes);
  for (const e of errors) out.err(`orchestrator: ${e.task.id}: ${messageOf(e.error)}`);
  // A DONE task opens its pull request, an escalated one comments on its issue (github:).
  const finished = outcomes.filter((o) => !o.interrupted).map((o) => o.taskId);
  await publishOutcomes(
    project,
    ctx.env,
    run.id,
    tasks.filter((t) => finished.includes(t.id)),
    out,
  );
  const interrupted = signal.aborted || outcomes.some((o) => o.interrupted);
  const allDone =
    outcomes.length > 0 &&
    blocked.length === 0 &&
    errors.length === 0 &&
    outcomes.every((o) => o.status === "DONE");
  const firstError = errors[0];
  return {
    outcomes,
    exitCode: interrupted
      ? ExitCode.interrupted
      : firstError !== undefined
        ? exitCodeFor(firstError.error)
        : allDone
          ? ExitCode.ok
          : ExitCode.taskNotDone,
  };
}

/** Records each task never run as registered, so an interrupted batch resumes all of them. */
async function registerTasks(
  project: OpenProject,
  tasks: readonly Task[],
  runId: string,
  listener: EventListener,
): Promise<void> {
  for (const task of tasks) {
    if ((await project.taskView(task.id)).updatedAt !== undefined) continue;
    await project.store.saveTask(task);
    // Through a recorder, so progress, logs and telemetry see the registration like any event.
    const recorder = await TaskRecorder.open(project.store, task.id, runId, listener);
    await recorder.record({ type: "task.registered", task });
  }
}

/** The engine, with each finished task's lessons handed to the memory (docs/MEMORY.md). */
function rememberingLessons(project: OpenProject, engine: TaskRunner): TaskRunner {
  return {
    runTask: async (task, runId, signal, options) => {
      const outcome = await engine.runTask(task, runId, signal, options);
      if (LESSON_STATES.has(outcome.status)) {
        await rememberTask(project.store, project.memory, task.id, runId, Date.now());
      }
      return outcome;
    },
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Refuses to run a task while a dependency is not DONE (unless `--ignore-deps`). */
async function assertDependenciesDone(project: OpenProject, task: Task): Promise<void> {
  for (const dep of task.dependsOn) {
    const view = await project.taskView(dep);
    if (view.status === "DONE") continue;
    throw new UserError(
      `task ${task.id} depends on ${dep}, which is ${view.status}${view.updatedAt === undefined ? " (never run)" : ""}; ` +
        `run ${dep} first, or pass --ignore-deps to start ${task.id} without its work`,
    );
  }
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
    .option("--batch", "run all tasks: each once its dependencies are DONE, by priority")
    .option("--jobs <n>", "tasks run at once (default: concurrency: in model_config.yaml, or 4)")
    .option("--ignore-deps", "with --task: start even though a dependency is not DONE")
    .option("--allow-empty-gate", "run although quality_rules.yaml defines no checks")
    .option("--json", "print one JSON line per event")
    .action(async (options: RunOptions) => {
      const global = program.opts<GlobalOptions>();
      const out = outputFor(ctx, options);
      if ((options.task === undefined) === (options.batch !== true)) {
        throw new UserError("give either --task <id> or --batch");
      }
      if (options.ignoreDeps === true && options.task === undefined) {
        throw new UserError("--ignore-deps applies to --task <id> only");
      }
      const project = await openProject(await findRepoRoot(ctx, global.repo), ctx.env, {
        runsModels: true,
        refuseEmptyGate: options.allowEmptyGate !== true,
      });
      try {
        const jobs = parseJobs(options.jobs, project.config.models.concurrency);
        const tasks =
          options.task === undefined
            ? [...project.config.tasks]
            : [findTask(project.config.tasks, options.task)];
        const single = tasks[0];
        if (options.task !== undefined && single && options.ignoreDeps !== true) {
          await assertDependenciesDone(project, single);
        }
        ctx.exitCode = (
          await runTasks(
            ctx,
            project,
            tasks,
            options.task ? `run --task ${options.task}` : "run --batch",
            out,
            { jobs, logLevel: global.logLevel, ignoreDeps: options.ignoreDeps === true },
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
    .option("--jobs <n>", "tasks run at once (default: concurrency: in model_config.yaml, or 4)")
    .option("--json", "print one JSON line per event")
    .action(async (taskId: string | undefined, options: RunOptions) => {
      const global = program.opts<GlobalOptions>();
      const out = outputFor(ctx, options);
      const project = await openProject(await findRepoRoot(ctx, global.repo), ctx.env, {
        runsModels: true,
      });
      try {
        const jobs = parseJobs(options.jobs, project.config.models.concurrency);
        const candidates =
          taskId === undefined
            ? dependencyOrder(project.config.tasks)
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
          await runTasks(ctx, project, resumable, "resume", out, {
            jobs,
            logLevel: global.logLevel,
          })
        ).exitCode;
      } finally {
        await project.close();
      }
    });
}
