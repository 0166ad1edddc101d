import type { Command } from "commander";
import { cp, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ExitCode } from "../../core/errors.js";
import { resolveBundledEslint } from "../../gate/eslint-bin.js";
import { NodeProcessRunner } from "../../process/node-process-runner.js";
import type { CliContext, GlobalOptions } from "../context.js";
import { outputFor } from "../context.js";
import type { Output } from "../output.js";
import { openProject } from "../project.js";
import { runTasks } from "./run.js";

/** Bundled with the package: a sample repository and the demo's task, models and script. */
const EXAMPLES = fileURLToPath(new URL("../../../examples/", import.meta.url));
const DEMO_TASK = "DEMO-1";

async function git(cwd: string, args: string[]): Promise<string> {
  const result = await new NodeProcessRunner().run("git", args, {
    cwd,
    env: { GIT_TERMINAL_PROMPT: "0", LC_ALL: "C" },
  });
  if (result.exitCode !== 0) throw new Error(`git ${args.join(" ")}: ${result.stderr.trim()}`);
  return result.stdout.trim();
}

/** Copies the sample package into a fresh git repository with the demo's configuration. */
async function prepareDemoRepo(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), "orchestrator-demo-"));
  const repo = join(root, "textkit");
  await cp(join(EXAMPLES, "sample-repo"), repo, { recursive: true });
  await cp(join(EXAMPLES, "demo"), join(repo, ".orchestrator"), { recursive: true });
  await writeFile(join(repo, ".orchestrator", ".gitignore"), "state.db*\nworktrees/\nruns/\n");
  await git(repo, ["init", "--quiet", "-b", "main"]);
  await git(repo, ["add", "--all"]);
  await git(repo, [
    "-c",
    "user.name=Demo User",
    "-c",
    "user.email=demo@example.com",
    "commit",
    "--quiet",
    "-m",
    "Initial commit of the textkit sample",
  ]);
  return repo;
}

async function printResult(out: Output, repo: string, branch: string): Promise<void> {
  const c = out.color;
  out.out("");
  out.out(c.bold(`Branch ${branch} in ${repo}:`));
  for (const line of (
    await git(repo, ["log", "--reverse", "--format=%h %s", `main..${branch}`])
  ).split("\n")) {
    out.out(`  ${line}`);
  }
  const last = await git(repo, ["log", "-1", "--format=%(trailers:only,unfold)", branch]);
  out.out(c.bold("Trailers of the last commit:"));
  for (const line of last.split("\n").filter(Boolean)) out.out(`  ${line}`);
  out.out("");
  out.out(
    c.yellow(
      "The models in this demo were SCRIPTED (examples/demo/script.yaml): no network, no API key.",
    ),
  );
  out.out(`Look around: cd ${repo} && git log --stat ${branch}`);
}

export function registerDemo(program: Command, ctx: CliContext): void {
  program
    .command("demo")
    .description("run a whole task offline on a bundled sample repository with scripted models")
    .option("--json", "print one JSON line per event")
    .action(async (options: GlobalOptions) => {
      const out = outputFor(ctx, options);
      const repo = await prepareDemoRepo();
      const eslint = resolveBundledEslint();
      const env = { ...ctx.env, ORCHESTRATOR_ESLINT_BIN: eslint ?? "" };
      if (!out.json) {
        out.out(`Demo repository: ${repo}`);
        const tasks = await readFile(join(repo, ".orchestrator", "tasks.yaml"), "utf8");
        out.out(`Task ${DEMO_TASK}: ${/goal: "?(.*?)"?\n/.exec(tasks)?.[1] ?? ""}`);
        out.out("");
      }
      const project = await openProject(repo, env, { runsModels: true });
      let done = false;
      try {
        const task = project.config.tasks.find((t) => t.id === DEMO_TASK);
        if (!task) throw new Error(`the demo configuration has no task ${DEMO_TASK}`);
        const { outcomes, exitCode } = await runTasks(ctx, project, [task], "demo", out, {
          jobs: 1,
        });
        const outcome = outcomes[0];
        done = outcome?.status === "DONE";
        if (outcome?.view.workspace && !out.json)
          await printResult(out, repo, outcome.view.workspace.branch);
        ctx.exitCode = exitCode;
      } finally {
        await project.close();
      }
      if (!done) ctx.exitCode = ctx.exitCode === 0 ? ExitCode.taskNotDone : ctx.exitCode;
    });
}
