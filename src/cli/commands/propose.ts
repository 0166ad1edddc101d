import type { Command } from "commander";
import { ExitCode, UserError } from "../../core/errors.js";
import { NodeProcessRunner } from "../../process/node-process-runner.js";
import { proposeWork, writeProposals } from "../../propose/index.js";
import { analysisSummary, proposalsYaml } from "../../propose/render-proposals.js";
import { createProvider } from "../../providers/index.js";
import type { CliContext, GlobalOptions } from "../context.js";
import { findRepoRoot, outputFor } from "../context.js";
import { openProject } from "../project.js";

interface ProposeOptions extends GlobalOptions {
  readonly limit?: string;
  readonly write?: boolean;
  readonly withModel?: boolean;
  readonly json?: boolean;
}

function limitOf(value: string | undefined): number {
  if (value === undefined) return 10;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 100)
    throw new UserError(`--limit: expected a whole number from 1 to 100, found "${value}"`);
  return n;
}

/** `orchestrator propose`: tasks proposed from the repository's state, printed or appended. */
export function registerPropose(program: Command, ctx: CliContext): void {
  program
    .command("propose")
    .description(
      "propose tasks from failing tests, warnings, low coverage, TODO comments and failed tasks; never runs them",
    )
    .option("--limit <n>", "at most this many proposals (default 10)")
    .option("--write", "append the proposals to .orchestrator/tasks.yaml")
    .option("--with-model", "a planner model writes the tasks from the findings (costed, recorded)")
    .option("--json", "print the analysis and proposals as one JSON object")
    .action(async (options: ProposeOptions) => {
      const out = outputFor(ctx, options);
      const limit = limitOf(options.limit);
      const global = program.opts<GlobalOptions>();
      const project = await openProject(await findRepoRoot(ctx, global.repo), ctx.env, {
        requireTasks: false,
        runsModels: options.withModel === true,
      });
      try {
        const result = await proposeWork({
          repoRoot: project.repoRoot,
          config: project.config,
          store: project.store,
          runner: new NodeProcessRunner(),
          limit,
          providerFor: options.withModel === true ? createProvider : undefined,
        });
        const written =
          options.write === true && result.proposals.length > 0
            ? await writeProposals(project.repoRoot, result.proposals)
            : undefined;
        if (out.json) {
          out.emit({ ...result, written: written?.added ?? [] });
        } else {
          out.out(analysisSummary(result));
          for (const note of result.notes) out.out(`note: ${note}`);
          if (result.proposals.length === 0) out.out("nothing to propose");
          else {
            const cost = result.by === "deterministic" ? "" : `, $${result.costUsd.toFixed(4)}`;
            const n = result.proposals.length;
            out.out(`${n} proposal${n === 1 ? "" : "s"} (${result.by}${cost}):\n`);
            out.out(proposalsYaml(result).trimEnd());
            out.out(
              written === undefined
                ? "\nnot written: --write appends them to .orchestrator/tasks.yaml"
                : `\nappended to .orchestrator/tasks.yaml: ${written.added.join(", ")} (nothing was run)`,
            );
          }
        }
        ctx.exitCode = ExitCode.ok;
      } finally {
        await project.close();
      }
    });
}
