import { isAbsolute, resolve } from "node:path";
import type { Command } from "commander";
import { UserError } from "../../core/errors.js";
import { projectTask } from "../../core/projection.js";
import type { TaskState } from "../../core/state-machine.js";
import { TERMINAL_STATES } from "../../core/state-machine.js";
import type { Task } from "../../core/task.js";
import { NodeProcessRunner } from "../../process/node-process-runner.js";
import { readyToEnqueue, waitingFor } from "../../scheduler/queue/ready-tasks.js";
import { TaskQueue } from "../../scheduler/queue/task-queue.js";
import { Git } from "../../workspace/git.js";
import type { CliContext, GlobalOptions } from "../context.js";
import { findRepoRoot, outputFor } from "../context.js";
import { openProject } from "../project.js";
import { sharedStoreUrl } from "../shared-store.js";

interface SubmitOptions extends GlobalOptions {
  readonly task?: string;
  readonly batch?: boolean;
}

interface SubmitRow {
  readonly id: string;
  readonly remote: string;
  readonly state: TaskState;
  /** `queued`, `waiting` (for `waitingFor`), or `not queued` with the reason in `detail`. */
  readonly result: "queued" | "waiting" | "not queued";
  readonly detail: string;
}

/**
 * The remote workers clone a task's repository from: `remote:` of its `repos:` entry, else the
 * repository's `origin`. A URL with a password is refused: credentials stay in the environment.
 */
async function remoteOf(task: Task, runner: NodeProcessRunner): Promise<string> {
  if (task.remote !== undefined) return task.remote;
  const result = await new Git(runner, task.repoPath).tryRun(["remote", "get-url", "origin"]);
  const url = result.exitCode === 0 ? result.stdout.trim() : "";
  if (url === "") {
    throw new UserError(
      `task ${task.id}: repository ${task.repoPath} has no remote for workers to clone; add ` +
        `remote: to its entry under repos: in .orchestrator/tasks.yaml, or give it an origin`,
    );
  }
  if (/^[a-z][a-z0-9+.-]*:\/\/[^/@]*:[^/@]*@/i.test(url)) {
    throw new UserError(
      `task ${task.id}: the origin of ${task.repoPath} has a password in its URL; workers get ` +
        `credentials from their environment (SSH agent, credential helper), never from the database`,
    );
  }
  // A path remote (a bare repository on a shared disk) is made absolute for other machines.
  return /^[a-z][a-z0-9+.-]*:/i.test(url) || /^[^/]+@[^/]+:/.test(url) || isAbsolute(url)
    ? url
    : resolve(task.repoPath, url);
}

function describeRow(row: SubmitRow): string {
  if (row.result === "queued") return `${row.id}: queued (${row.remote})`;
  if (row.result === "waiting") return `${row.id}: submitted, waits for ${row.detail}`;
  return `${row.id}: not queued — ${row.detail}`;
}

export function registerSubmit(program: Command, ctx: CliContext): void {
  program
    .command("submit")
    .description("put one task (--task ID) or all tasks (--batch) on the shared queue for workers")
    .option("--task <id>", "the task to submit (again, after a review)")
    .option("--batch", "submit every task; each is queued once its dependencies are DONE")
    .option("--json", "print one JSON object per task")
    .action(async (options: SubmitOptions) => {
      const global = program.opts<GlobalOptions>();
      const out = outputFor(ctx, options);
      if ((options.task === undefined) === (options.batch !== true)) {
        throw new UserError("give either --task <id> or --batch");
      }
      const repoRoot = await findRepoRoot(ctx, global.repo);
      const url = await sharedStoreUrl(repoRoot, ctx.env, "submit");
      const project = await openProject(repoRoot, ctx.env);
      try {
        const all = project.config.tasks;
        const chosen = options.task === undefined ? all : all.filter((t) => t.id === options.task);
        if (chosen.length === 0) {
          throw new UserError(
            `unknown task "${options.task ?? ""}" (known: ${all.map((t) => t.id).join(", ") || "none"})`,
          );
        }
        // Everything is checked before anything is written.
        const runner = new NodeProcessRunner();
        const withRemotes: Task[] = [];
        for (const task of chosen)
          withRemotes.push({ ...task, remote: await remoteOf(task, runner) });
        const rows = await submit(project.store, url, withRemotes, options.task !== undefined);
        if (out.json) for (const row of rows) out.emit(row);
        else for (const row of rows) out.out(describeRow(row));
      } finally {
        await project.close();
      }
    });
}

async function submit(
  store: Awaited<ReturnType<typeof openProject>>["store"],
  url: string,
  tasks: readonly Task[],
  explicit: boolean,
): Promise<SubmitRow[]> {
  const queue = await TaskQueue.open(url, { supervise: false });
  try {
    for (const task of tasks) await store.saveTask(task);
    await queue.recordSubmitted(
      tasks.map((t) => t.id),
      Date.now(),
    );
    const statuses = new Map<string, TaskState>();
    for (const t of await store.listTasks()) {
      statuses.set(t.id, projectTask(t.id, await store.events(t.id)).status);
    }
    const statusOf = (id: string): TaskState => statuses.get(id) ?? "NEW";
    const submitted = await queue.submitted();
    const ready = new Set(readyToEnqueue(tasks, statusOf, submitted).map((t) => t.id));
    const rows: SubmitRow[] = [];
    for (const task of tasks) {
      const state = statusOf(task.id);
      const base = { id: task.id, remote: task.remote ?? "", state };
      const waiting = waitingFor(task, statusOf);
      // A task named on its own is queued again when it can continue (after a review).
      const resumable =
        explicit && !TERMINAL_STATES.has(state) && state !== "AWAITING_HUMAN_REVIEW";
      if (waiting.length > 0) {
        rows.push({ ...base, result: "waiting", detail: waiting.join(", ") });
      } else if (ready.has(task.id) || (resumable && waiting.length === 0)) {
        await queue.enqueue(task.id, task.priority, task.timeoutMs);
        rows.push({ ...base, result: "queued", detail: "" });
      } else {
        const detail =
          state === "AWAITING_HUMAN_REVIEW"
            ? `awaiting review (orchestrator review ${task.id}, then submit --task ${task.id})`
            : TERMINAL_STATES.has(state)
              ? `already ${state}`
              : `already started (${state}); submit --task ${task.id} to queue it again`;
        rows.push({ ...base, result: "not queued", detail });
      }
    }
    return rows;
  } finally {
    await queue.close();
  }
}
