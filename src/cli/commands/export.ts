import type { Command } from "commander";
import { loadProjectConfig } from "../../config/index.js";
import { UserError } from "../../core/errors.js";
import { EVENT_SCHEMA_VERSION } from "../../core/events.js";
import { projectTask } from "../../core/projection.js";
import { openSqliteStore } from "../../store/index.js";
import type { CliContext, GlobalOptions } from "../context.js";
import { findRepoRoot, hasState, outputFor, stateDbPath } from "../context.js";

/** The whole state of one task as JSON: the seed's `state/{task_id}.json`. */
export async function exportTask(
  repoRoot: string,
  taskId: string,
  env: NodeJS.ProcessEnv,
): Promise<Record<string, unknown>> {
  const config = await loadProjectConfig(repoRoot, { env, requireTasks: false });
  const configured = config.tasks.find((t) => t.id === taskId);
  if (!hasState(repoRoot)) {
    if (!configured) throw new UserError(`unknown task "${taskId}"`);
    return {
      schema_version: EVENT_SCHEMA_VERSION,
      task: configured,
      state: projectTask(taskId, []),
      events: [],
    };
  }
  const store = await openSqliteStore(stateDbPath(repoRoot), { mustExist: true });
  try {
    const task = (await store.getTask(taskId)) ?? configured;
    if (!task) throw new UserError(`unknown task "${taskId}"`);
    const events = await store.events(taskId);
    return {
      schema_version: EVENT_SCHEMA_VERSION,
      task,
      state: projectTask(taskId, events),
      events: events.map((e) => ({
        seq: e.seq,
        at: new Date(e.at).toISOString(),
        run_id: e.runId,
        ...e.body,
      })),
    };
  } finally {
    await store.close();
  }
}

export function registerExport(program: Command, ctx: CliContext): void {
  program
    .command("export")
    .description("print a task's full state and event log as JSON")
    .argument("<task>", "task id")
    .action(async (taskId: string) => {
      const global = program.opts<GlobalOptions>();
      const out = outputFor(ctx, { json: true });
      out.out(
        JSON.stringify(
          await exportTask(await findRepoRoot(ctx, global.repo), taskId, ctx.env),
          null,
          2,
        ),
      );
    });
}
