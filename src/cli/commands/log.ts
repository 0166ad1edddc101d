import { mkdir, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import type { Command } from "commander";
import { UserError } from "../../core/errors.js";
import type { StoredEvent } from "../../core/events.js";
import type { RunRecord, Store } from "../../core/ports.js";
import { renderRunLog } from "../../runlog/index.js";
import type { RunLogTask } from "../../runlog/index.js";
import type { CliContext, GlobalOptions } from "../context.js";
import { findRepoRoot, outputFor } from "../context.js";
import { hasStateAt, locateState, openStore } from "../state-store.js";

interface LogOptions {
  readonly out?: string;
}

/** Shortest run-id prefix accepted in place of the whole id. */
export const MIN_RUN_PREFIX = 4;

/** The run `id` names: the whole id, or a prefix of at least 4 characters that only it has. */
export async function findRun(
  store: Pick<Store, "listRuns">,
  id: string,
): Promise<RunRecord | undefined> {
  const runs = await store.listRuns();
  const exact = runs.find((r) => r.id === id);
  if (exact || id.length < MIN_RUN_PREFIX) return exact;
  const matches = runs.filter((r) => r.id.startsWith(id));
  if (matches.length > 1) {
    const shown = matches.slice(0, 5).map((r) => r.id.slice(0, 12));
    throw new UserError(
      `run id prefix "${id}" matches ${String(matches.length)} runs (${shown.join(", ")}` +
        `${matches.length > 5 ? ", …" : ""}); give more of it`,
    );
  }
  return matches[0];
}

async function unknownId(store: Store, id: string): Promise<UserError> {
  const tasks = (await store.listTasks()).map((t) => t.id);
  const latest = (await store.listRuns()).reduce<RunRecord | undefined>(
    (a, r) => (a === undefined || r.startedAt >= a.startedAt ? r : a),
    undefined,
  );
  return new UserError(
    `unknown task or run "${id}" (tasks: ${tasks.join(", ") || "none"}; ` +
      `latest run: ${latest?.id ?? "none"})`,
  );
}

async function runTasks(store: Store, events: readonly StoredEvent[]): Promise<RunLogTask[]> {
  const byTask = new Map<string, StoredEvent[]>();
  for (const e of events) {
    const list = byTask.get(e.taskId);
    if (list) list.push(e);
    else byTask.set(e.taskId, [e]);
  }
  const tasks: RunLogTask[] = [];
  for (const [taskId, list] of byTask) {
    tasks.push({ taskId, task: await store.getTask(taskId), events: list });
  }
  return tasks;
}

function runTitle(run: RunRecord): string {
  const started = new Date(run.startedAt).toISOString();
  return `run ${run.id} (${run.command}, started ${started}, ${run.status ?? "unfinished"})`;
}

/**
 * The Markdown run log of a task (its whole history) or of a run (every event recorded in it,
 * grouped by task). A task id is looked up first, then a run id or a unique prefix of one.
 */
export async function buildRunLog(
  repoRoot: string,
  id: string,
  env: NodeJS.ProcessEnv,
): Promise<string> {
  const state = await locateState(repoRoot, env);
  if (!hasStateAt(state)) {
    throw new UserError(
      `no orchestrator state in ${repoRoot} yet; run a task first (orchestrator run --task ID)`,
    );
  }
  const store = await openStore(state, { mustExist: true });
  try {
    const task = await store.getTask(id);
    const events = await store.events(id);
    if (task || events.length > 0) {
      return renderRunLog({ title: `task ${id}`, tasks: [{ task, taskId: id, events }] });
    }
    const run = await findRun(store, id);
    if (!run) throw await unknownId(store, id);
    const tasks = await runTasks(store, await store.runEvents(run.id));
    return renderRunLog({ title: runTitle(run), tasks });
  } finally {
    await store.close();
  }
}

export function registerLog(program: Command, ctx: CliContext): void {
  program
    .command("log")
    .description("print the Markdown run log (audit trail) of a task or a run")
    .argument("<id>", "a task id, or a run id (from `export` or `run --json`)")
    .option("--out <file>", "write the log to FILE instead of stdout")
    .action(async (id: string, options: LogOptions) => {
      const global = program.opts<GlobalOptions>();
      const out = outputFor(ctx, {});
      const markdown = await buildRunLog(await findRepoRoot(ctx, global.repo), id, ctx.env);
      if (options.out === undefined) {
        ctx.stdout.write(markdown);
        return;
      }
      const path = resolve(ctx.cwd, options.out);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, markdown);
      out.out(`wrote ${path}`);
    });
}
