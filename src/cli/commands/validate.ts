import type { Command } from "commander";
import { loadProjectConfig } from "../../config/index.js";
import { ConfigError, ExitCode } from "../../core/errors.js";
import type { CliContext, GlobalOptions } from "../context.js";
import { findRepoRoot, outputFor } from "../context.js";

export function registerValidate(program: Command, ctx: CliContext): void {
  program
    .command("validate")
    .description(
      "check tasks.yaml, model_config.yaml and quality_rules.yaml; exit 2 on any problem",
    )
    .option("--json", "print the problems as JSON")
    .action(async (options: GlobalOptions) => {
      const global = program.opts<GlobalOptions>();
      const out = outputFor(ctx, options);
      const repoRoot = await findRepoRoot(ctx, global.repo);
      try {
        const config = await loadProjectConfig(repoRoot, { env: ctx.env, requireTasks: true });
        if (out.json) out.emit({ ok: true, tasks: config.tasks.length, problems: [] });
        else
          out.out(
            `${out.color.green("ok")}: ${config.tasks.length} task(s), ${config.models.models.size} model(s), ` +
              `${config.quality.checks.size} check(s)`,
          );
      } catch (error) {
        if (!(error instanceof ConfigError) || !out.json) throw error;
        out.emit({ ok: false, problems: error.problems });
        ctx.exitCode = ExitCode.userError;
      }
    });
}
