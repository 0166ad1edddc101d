import type { Command } from "commander";
import { existsSync } from "node:fs";
import { appendFile, readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { z } from "zod";
import { ExitCode, UserError } from "../../core/errors.js";
import type { Task } from "../../core/task.js";
import {
  applyComment,
  commentFromWebhook,
  gateMarkdown,
  GateVerdictSchema,
  importIssues,
  pollDecisions,
  publishGateCheck,
  publishTask,
  taskIdOfIssue,
} from "../../integrations/github/index.js";
import type { CliContext, GlobalOptions } from "../context.js";
import { findRepoRoot, outputFor } from "../context.js";
import { githubSettings, openGithub, taskSource } from "../github-wiring.js";
import type { Output } from "../output.js";
import { openProject } from "../project.js";
import type { OpenProject } from "../project.js";
import { decide } from "./review.js";
import { runTasks } from "./run.js";

interface ImportFlags extends GlobalOptions {
  readonly repo?: string;
  readonly label?: string;
  readonly state?: string;
}

const STATES = ["open", "closed", "all"] as const;

const isRepoSlug = (value: string): boolean => /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(value);

function stateOf(value: string | undefined): (typeof STATES)[number] {
  const state = STATES.find((s) => s === (value ?? "open"));
  if (state === undefined)
    throw new UserError(`--state: expected open, closed or all, found "${value ?? ""}"`);
  return state;
}

/** Imports issues into tasks.yaml; aborts imported tasks whose issue closed before they started. */
async function importFromGithub(
  ctx: CliContext,
  repoRoot: string,
  source: { repo: string; from: string; label: string | undefined; state: (typeof STATES)[number] },
  out: Output,
): Promise<void> {
  // The project before the import: its settings (api_url, task_labels) and store.
  let project = await openProject(repoRoot, ctx.env, { requireTasks: false });
  try {
    const settings = githubSettings(project, ctx.env, { slug: source.repo, from: source.from });
    const gh = await openGithub(project, ctx.env, null, settings, out);
    const result = await importIssues(gh.client, {
      owner: settings.owner,
      repo: settings.name,
      ...(source.label === undefined ? {} : { label: source.label }),
      state: source.state,
      labels: settings.taskLabels,
      repoRoot,
      tasksFile: join(repoRoot, ".orchestrator", "tasks.yaml"),
    });
    await project.close();
    // Reload: the new tasks are validated like any hand-written ones.
    project = await openProject(repoRoot, ctx.env, { requireTasks: false });
    const aborted: string[] = [];
    for (const id of result.closed) {
      const view = await project.taskView(id);
      const task = project.config.tasks.find((t) => t.id === id);
      if (!task || view.updatedAt !== undefined) continue;
      await project.engine().abortTask(task, "its issue was closed before the task started");
      await project.store.append(id, null, {
        type: "github",
        action: "issue_closed",
        issue: Number(id.slice(3)),
      });
      aborted.push(id);
    }
    if (out.json)
      out.emit({
        added: result.added,
        updated: result.updated,
        unchanged: result.unchanged,
        aborted,
      });
    else {
      out.out(
        `imported from ${settings.owner}/${settings.name}: ${result.added.length} added, ${result.updated.length} updated, ${result.unchanged.length} unchanged` +
          (aborted.length
            ? `, ${aborted.length} aborted (issue closed): ${aborted.join(", ")}`
            : ""),
      );
      for (const id of result.added) out.out(`  + ${id}`);
      for (const id of result.updated) out.out(`  ~ ${id}`);
    }
  } finally {
    await project.close();
  }
}

/** Resumes the tasks a decision sent back to work; publishing happens at the end of the run. */
async function resumeDecided(
  ctx: CliContext,
  project: OpenProject,
  tasks: Task[],
  out: Output,
  logLevel?: string,
): Promise<number> {
  if (tasks.length === 0) return ExitCode.ok;
  const jobs = project.config.models.concurrency ?? 4;
  return (await runTasks(ctx, project, tasks, "github sync", out, { jobs, logLevel })).exitCode;
}

async function publishAll(
  ctx: CliContext,
  project: OpenProject,
  tasks: readonly Task[],
  out: Output,
): Promise<void> {
  const gh = await openGithub(project, ctx.env, null, undefined, out);
  for (const task of tasks) {
    const r = await publishTask(gh, task);
    if (out.json) out.emit(r);
    else if (r.action !== "none")
      out.out(`${task.id}: ${r.action.replace("_", " ")} ${r.url ?? ""}`.trimEnd());
  }
}

const EventPayloadSchema = z.object({
  issue: z
    .object({
      number: z.number().int().positive(),
      labels: z.array(z.object({ name: z.string() })).default([]),
    })
    .optional(),
});

/** `github action`: what the composite action runs for an `issues` or `issue_comment` event. */
async function runAction(
  ctx: CliContext,
  repoRoot: string,
  label: string,
  out: Output,
  logLevel?: string,
): Promise<number> {
  const event = ctx.env.GITHUB_EVENT_NAME;
  const path = ctx.env.GITHUB_EVENT_PATH;
  const repo = ctx.env.GITHUB_REPOSITORY;
  if (!event || !path || !repo)
    throw new UserError(
      "github action runs in GitHub Actions: GITHUB_EVENT_NAME, GITHUB_EVENT_PATH and GITHUB_REPOSITORY must be set",
    );
  const raw: unknown = JSON.parse(await readFile(path, "utf8"));
  const payload = EventPayloadSchema.parse(raw);
  const issue = payload.issue;
  if (event === "issues" && issue !== undefined) {
    if (!issue.labels.some((l) => l.name === label)) {
      out.out(`issue #${issue.number} is not labelled ${label}; nothing to do`);
      return ExitCode.ok;
    }
    await importFromGithub(
      ctx,
      repoRoot,
      { repo, from: "GITHUB_REPOSITORY", label, state: "open" },
      out,
    );
    const project = await openProject(repoRoot, ctx.env, { runsModels: true });
    try {
      const task = project.config.tasks.find((t) => t.id === taskIdOfIssue(issue.number));
      if (!task) throw new UserError(`issue #${issue.number} did not become a task`);
      return (
        await runTasks(ctx, project, [task], `github action (issue #${issue.number})`, out, {
          jobs: 1,
          logLevel,
        })
      ).exitCode;
    } finally {
      await project.close();
    }
  }
  if (event === "issue_comment") {
    const found = commentFromWebhook(event, raw);
    if (!found) return ExitCode.ok;
    const project = await openProject(repoRoot, ctx.env, { runsModels: true });
    try {
      const task = project.config.tasks.find((t) => t.id === taskIdOfIssue(found.issue));
      if (!task) return ExitCode.ok;
      const gh = await openGithub(project, ctx.env, null, githubSettings(project, ctx.env), out);
      const outcome = await applyComment(gh, task, found.comment, (t, d, f) =>
        decide(project, t.id, d, f),
      );
      out.out(`${task.id}: /orchestrator command ${outcome}`);
      if (outcome !== "accepted") return ExitCode.ok;
      const view = await project.taskView(task.id);
      if (view.status === "ABORTED") return ExitCode.ok;
      return await resumeDecided(ctx, project, [task], out, logLevel);
    } finally {
      await project.close();
    }
  }
  out.out(`nothing to do for the ${event} event`);
  return ExitCode.ok;
}

export function registerGithub(program: Command, ctx: CliContext): void {
  program
    .command("import")
    .description("turn issues into tasks in tasks.yaml (importing again updates, never duplicates)")
    .argument("<source>", "where from: github")
    .option(
      "--repo <owner/name>",
      "the GitHub repository (default: source: in tasks.yaml, github.repo)",
    )
    .option("--label <label>", "only issues with this label", "orchestrator")
    .option("--state <state>", "open, closed or all", "open")
    .option("--json", "print JSON")
    .action(async (source: string, options: ImportFlags) => {
      if (source !== "github")
        throw new UserError(`import: expected the source "github", found "${source}"`);
      const out = outputFor(ctx, options);
      // `--repo` is also the global folder option (-C): here OWNER/NAME that is not a folder
      // names the GitHub repository, as `import github --repo OWNER/NAME` reads.
      const given = options.repo ?? program.opts<GlobalOptions>().repo;
      const slug = given !== undefined && isRepoSlug(given) && !existsSync(resolve(ctx.cwd, given));
      const repoRoot = await findRepoRoot(ctx, slug ? undefined : given);
      const fromFile = await taskSource(repoRoot);
      const repo = slug ? given : fromFile?.repo;
      if (repo === undefined)
        throw new UserError("import github: give --repo OWNER/NAME (or source: in tasks.yaml)");
      await importFromGithub(
        ctx,
        repoRoot,
        { repo, from: "--repo", label: options.label, state: stateOf(options.state) },
        out,
      );
    });

  const github = program
    .command("github")
    .description("GitHub: sync issues and decisions, publish PRs, run in Actions");

  github
    .command("sync")
    .description(
      "import from source:, apply /orchestrator commands, resume decided tasks, publish PRs and comments",
    )
    .option("--no-run", "record decisions but do not resume the tasks")
    .option("--json", "print JSON")
    .action(async (options: GlobalOptions & { run: boolean }) => {
      const global = program.opts<GlobalOptions>();
      const out = outputFor(ctx, options);
      const repoRoot = await findRepoRoot(ctx, global.repo);
      const source = await taskSource(repoRoot);
      if (source)
        await importFromGithub(
          ctx,
          repoRoot,
          {
            repo: source.repo,
            from: "tasks.yaml source:",
            label: source.label ?? "orchestrator",
            state: source.state,
          },
          out,
        );
      const project = await openProject(repoRoot, ctx.env, {
        requireTasks: false,
        runsModels: options.run,
      });
      try {
        const gh = await openGithub(project, ctx.env, null, undefined, out);
        const polled = await pollDecisions(gh, project.config.tasks, (t, d, f) =>
          decide(project, t.id, d, f),
        );
        if (!out.json)
          out.out(`decisions from GitHub: ${polled.accepted} applied, ${polled.refused} refused`);
        ctx.exitCode = options.run
          ? await resumeDecided(ctx, project, polled.resume, out, global.logLevel)
          : ExitCode.ok;
        await publishAll(ctx, project, project.config.tasks, out);
      } finally {
        await project.close();
      }
    });

  github
    .command("publish")
    .description(
      "push DONE task branches and open or update their PRs; comment on issues awaiting a human",
    )
    .argument("[tasks...]", "only these tasks")
    .option("--json", "print JSON")
    .action(async (ids: string[], options: GlobalOptions) => {
      const out = outputFor(ctx, options);
      const project = await openProject(
        await findRepoRoot(ctx, program.opts<GlobalOptions>().repo),
        ctx.env,
        { requireTasks: false },
      );
      try {
        const tasks =
          ids.length === 0
            ? project.config.tasks
            : ids.map((id) => {
                const t = project.config.tasks.find((x) => x.id === id);
                if (!t) throw new UserError(`unknown task "${id}"`);
                return t;
              });
        await publishAll(ctx, project, tasks, out);
      } finally {
        await project.close();
      }
    });

  github
    .command("action")
    .description(
      "in GitHub Actions: run the task of a labelled issue, or apply an /orchestrator comment",
    )
    .option("--label <label>", "the label that marks issues for the orchestrator", "orchestrator")
    .action(async (options: GlobalOptions & { label: string }) => {
      const global = program.opts<GlobalOptions>();
      const out = outputFor(ctx, options);
      ctx.exitCode = await runAction(
        ctx,
        await findRepoRoot(ctx, global.repo),
        options.label,
        out,
        global.logLevel,
      );
    });

  github
    .command("check")
    .description("publish a gate verdict (orchestrator gate --json) as a check run and job summary")
    .requiredOption("--verdict <file>", "the JSON written by orchestrator gate --json")
    .requiredOption("--sha <sha>", "the commit the check belongs to")
    .option("--name <name>", "the check's name", "orchestrator gate")
    .action(async (options: GlobalOptions & { verdict: string; sha: string; name: string }) => {
      const out = outputFor(ctx, options);
      let raw: unknown;
      try {
        raw = JSON.parse(await readFile(options.verdict, "utf8"));
      } catch (error) {
        throw new UserError(
          `--verdict ${options.verdict}: expected the JSON of orchestrator gate --json (${(error as Error).message})`,
        );
      }
      const parsed = GateVerdictSchema.safeParse(raw);
      if (!parsed.success)
        throw new UserError(
          `--verdict ${options.verdict}: not a gate verdict (${parsed.error.issues[0]?.path.join(".") ?? ""}: ${parsed.error.issues[0]?.message ?? ""})`,
        );
      const project = await openProject(
        await findRepoRoot(ctx, program.opts<GlobalOptions>().repo),
        ctx.env,
        { requireTasks: false },
      );
      try {
        const gh = await openGithub(project, ctx.env, null, undefined, out);
        const url = await publishGateCheck(gh, parsed.data, options.sha, options.name);
        const summary = ctx.env.GITHUB_STEP_SUMMARY;
        if (summary) await appendFile(summary, gateMarkdown(parsed.data));
        out.out(`check "${options.name}" ${parsed.data.passed ? "passed" : "failed"}: ${url}`);
      } finally {
        await project.close();
      }
    });
}
