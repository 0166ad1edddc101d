import type { Command } from "commander";
import { UserError } from "../../core/errors.js";
import { systemClock } from "../../core/ports.js";
import { pickBaseline } from "../../report/report.js";
import { startDashboard } from "../../web/index.js";
import type { DashboardActions, DashboardDeps } from "../../web/index.js";
import {
  applyComment,
  handleWebhookDelivery,
  taskIdOfIssue,
} from "../../integrations/github/index.js";
import { openGithub } from "../github-wiring.js";
import type { CliContext, GlobalOptions } from "../context.js";
import { findRepoRoot, outputFor } from "../context.js";
import type { Output } from "../output.js";
import { assertModelsRunnable, openProject } from "../project.js";
import type { OpenProject } from "../project.js";
import { decide } from "./review.js";
import { runTasks } from "./run.js";

interface ServeOptions extends GlobalOptions {
  readonly port: string;
  readonly host: string;
  readonly token?: string;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d{1,5}$/.test(value) || port > 65535) {
    throw new UserError(`--port expects a number from 0 to 65535, got "${value}"`);
  }
  return port;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Review and resume for the browser: the same decision code as `review`, the same run as `resume`. */
function dashboardActions(
  ctx: CliContext,
  project: OpenProject,
  out: Output,
  running: Map<string, Promise<unknown>>,
  logLevel: string | undefined,
): DashboardActions {
  return {
    review: async (taskId, decision, feedback) => {
      const view = await decide(project, taskId, decision, feedback);
      out.out(`${taskId}: ${decision} recorded from the dashboard; now ${view.status}`);
      return { state: view.status };
    },
    resume: (taskId) => {
      const task = project.config.tasks.find((t) => t.id === taskId);
      if (!task || running.has(taskId)) return false;
      try {
        // As `resume` does before it starts: an unusable model fails here, not mid-run.
        assertModelsRunnable(project.config);
      } catch (error) {
        out.err(`resume ${taskId} not started: ${messageOf(error)}`);
        return false;
      }
      const run = runTasks(ctx, project, [task], `resume ${taskId}`, out, { jobs: 1, logLevel })
        .catch((error: unknown) => {
          out.err(`resume ${taskId} failed: ${messageOf(error)}`);
        })
        .finally(() => running.delete(taskId));
      running.set(taskId, run);
      return true;
    },
  };
}

/**
 * With `github:` configured and ORCHESTRATOR_GITHUB_WEBHOOK_SECRET set, `/github/webhook` takes
 * `/orchestrator` comments as `github sync` does, and resumes the decided task.
 */
function githubWebhook(
  ctx: CliContext,
  project: OpenProject,
  actions: DashboardActions,
  out: Output,
): Pick<DashboardDeps, "githubWebhook"> {
  const secret = ctx.env.ORCHESTRATOR_GITHUB_WEBHOOK_SECRET;
  const config = project.config.models.github;
  if (!secret || config === undefined) return {};
  return {
    githubWebhook: (event, signature, rawBody) =>
      handleWebhookDelivery(
        {
          secret,
          repository: `${config.owner}/${config.name}`,
          apply: async (issue, comment) => {
            const task = project.config.tasks.find((t) => t.id === taskIdOfIssue(issue));
            if (!task) return undefined;
            const gh = await openGithub(project, ctx.env, null, config, out);
            const outcome = await applyComment(gh, task, comment, (t, d, f) =>
              decide(project, t.id, d, f),
            );
            if (outcome === "accepted" && (await project.taskView(task.id)).status !== "ABORTED") {
              actions.resume(task.id);
            }
            return outcome;
          },
        },
        event,
        signature,
        rawBody,
      ),
  };
}

/** Resolves on SIGINT or SIGTERM. */
function untilStopped(): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve();
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
}

export function registerServe(program: Command, ctx: CliContext): void {
  program
    .command("serve")
    .description(
      "web dashboard: live tasks, costs, quality, models and flow; review from the browser",
    )
    .option("--port <n>", "port to listen on (0: any free port)", "7420")
    .option("--host <address>", "address to bind (other than loopback needs a token)", "127.0.0.1")
    .option(
      "--token <token>",
      "token for the login URL and API (default ORCHESTRATOR_TOKEN, else random)",
    )
    .action(async (options: ServeOptions) => {
      const global = program.opts<GlobalOptions>();
      const out = outputFor(ctx, {});
      const port = parsePort(options.port);
      const token =
        options.token ??
        (ctx.env.ORCHESTRATOR_TOKEN === "" ? undefined : ctx.env.ORCHESTRATOR_TOKEN);
      const project = await openProject(await findRepoRoot(ctx, global.repo), ctx.env, {
        requireTasks: false,
      });
      const running = new Map<string, Promise<unknown>>();
      const actions = dashboardActions(ctx, project, out, running, global.logLevel);
      try {
        const dashboard = await startDashboard({
          store: project.store,
          tasks: () => project.config.tasks,
          budgets: project.config.models.budgets,
          baseline: pickBaseline(project.config.models, undefined),
          actions,
          ...githubWebhook(ctx, project, actions, out),
          clock: systemClock,
          host: options.host,
          port,
          token,
        });
        out.out(`dashboard: ${dashboard.url}`);
        out.out(`log in:    ${dashboard.loginUrl}`);
        await untilStopped();
        await dashboard.close();
        await Promise.allSettled(running.values());
      } finally {
        await project.close();
      }
    });
}
