import type { Command } from "commander";
import { ExitCode, UserError } from "../../core/errors.js";
import type { Task } from "../../core/task.js";
import { createGatePort } from "../../gate/create-gate-port.js";
import { NodeProcessRunner } from "../../process/node-process-runner.js";
import type { LandStep } from "../../scheduler/land.js";
import { defaultLandTarget, landTasks, resolveInTask } from "../../scheduler/land.js";
import { Git } from "../../workspace/index.js";
import type { CliContext, GlobalOptions } from "../context.js";
import { findRepoRoot, outputFor } from "../context.js";
import type { Output } from "../output.js";
import { openProject } from "../project.js";
import { progressListener } from "../progress.js";

interface LandOptions extends GlobalOptions {
  readonly into?: string;
  readonly rebase?: boolean;
  readonly push?: boolean;
}

function describe(out: Output, step: LandStep, into: string): void {
  if (out.json) {
    out.emit({
      task: step.taskId,
      outcome: step.outcome,
      into,
      sha: step.sha,
      detail: step.detail,
      resolved: step.resolved,
    });
    return;
  }
  const c = out.color;
  switch (step.outcome) {
    case "landed":
      out.out(
        `${step.taskId}: ${c.green("landed")} in ${into} at ${step.sha?.slice(0, 10) ?? ""}, gate passed` +
          (step.resolved ? ` (conflict in ${step.resolved.join(", ")} resolved in a step)` : ""),
      );
      return;
    case "already_landed":
      out.out(`${step.taskId}: already in ${into}`);
      return;
    case "conflict":
      out.out(
        `${step.taskId}: ${c.red("conflict")} with ${into} in ${step.detail ?? "?"}; nothing landed from it`,
      );
      return;
    case "gate_failed":
      out.out(
        `${step.taskId}: ${c.red("quality gate failed")} on the merged result; ${into} not moved`,
      );
      for (const line of (step.detail ?? "").split("\n").slice(0, 40)) out.out(`  ${line}`);
  }
}

export function registerLand(program: Command, ctx: CliContext): void {
  program
    .command("land")
    .description("merge DONE task branches into a branch, dependencies first, gating each result")
    .argument("[tasks...]", "the tasks to land (default: every DONE task)")
    .option(
      "--into <branch>",
      "the branch to land into (default: develop if it exists, else the checked-out branch)",
    )
    .option(
      "--rebase",
      "replay each task's commits onto the target's tip instead of a merge commit",
    )
    .option("--push", "push the target branch to origin once everything landed")
    .option("--json", "print one JSON line per task")
    .action(async (ids: string[], options: LandOptions) => {
      const global = program.opts<GlobalOptions>();
      const out = outputFor(ctx, options);
      const project = await openProject(await findRepoRoot(ctx, global.repo), ctx.env);
      try {
        const runner = new NodeProcessRunner();
        const all = project.config.tasks;
        const chosen: Task[] = [];
        for (const id of ids.length > 0 ? ids : all.map((t) => t.id)) {
          const task = all.find((t) => t.id === id);
          if (!task)
            throw new UserError(`unknown task "${id}" (known: ${all.map((t) => t.id).join(", ")})`);
          const state = (await project.taskView(id)).status;
          if (state === "DONE") chosen.push(task);
          else if (ids.length > 0)
            throw new UserError(`task ${id} is ${state}, not DONE; only DONE tasks land`);
        }
        if (chosen.length === 0) {
          if (!out.json) out.out("no DONE task to land");
          ctx.exitCode = ExitCode.ok;
          return;
        }
        const into = options.into ?? (await defaultLandTarget(new Git(runner, project.repoRoot)));
        const signal = AbortSignal.timeout(6 * 60 * 60 * 1000);
        // A conflict becomes a merge step of the task, run by the engine (docs/PARALLEL.md).
        const listener = out.json ? undefined : progressListener(out);
        const engine = project.engine(listener);
        const steps = await landTasks({
          runner,
          repoRoot: project.repoRoot,
          stateDir: project.config.configDir,
          quality: project.config.quality,
          gate: createGatePort(runner, project.config.quality),
          tasks: chosen,
          into,
          rebase: options.rebase === true,
          push: options.push === true ? "origin" : undefined,
          signal,
          resolveConflict: resolveInTask(project.store, engine, signal, listener),
          onStep: (step) => {
            describe(out, step, into);
          },
        });
        const stopped = steps.some((s) => s.outcome === "conflict" || s.outcome === "gate_failed");
        ctx.exitCode = stopped ? ExitCode.taskNotDone : ExitCode.ok;
      } finally {
        await project.close();
      }
    });
}
