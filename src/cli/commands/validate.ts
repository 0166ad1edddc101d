import type { Command } from "commander";
import { loadProjectConfig } from "../../config/index.js";
import { ConfigError, ExitCode, UserError } from "../../core/errors.js";
import type { ProjectConfig } from "../../core/project-config.js";
import { verifyChecks, type CheckTrial } from "../../gate/verify-checks.js";
import { NodeProcessRunner } from "../../process/node-process-runner.js";
import type { Output } from "../output.js";
import { EMPTY_GATE } from "../empty-gate.js";
import type { CliContext, GlobalOptions } from "../context.js";
import { findRepoRoot, outputFor } from "../context.js";

interface ValidateOptions extends GlobalOptions {
  readonly runChecks?: boolean;
}

/** Runs every configured check once on the untouched repository, printing each as it ends. */
async function runChecks(
  out: Output,
  repoRoot: string,
  config: ProjectConfig,
): Promise<CheckTrial[]> {
  const trials = await verifyChecks({
    runner: new NodeProcessRunner(),
    repoRoot,
    checks: [...config.quality.checks.values()],
    setup: config.quality.setup,
    onTrial: (trial) => {
      if (out.json) return;
      const mark = trial.passed ? out.color.green("ok") : out.color.red("FAIL");
      out.out(`  ${mark} ${trial.name}: ${trial.detail}`);
    },
  });
  if (trials === undefined) {
    throw new UserError(
      "--run-checks: the repository has no commit yet; commit, then run it again",
    );
  }
  return trials;
}

export function registerValidate(program: Command, ctx: CliContext): void {
  program
    .command("validate")
    .description(
      "check tasks.yaml, model_config.yaml and quality_rules.yaml; exit 2 on any problem",
    )
    .option("--run-checks", "also run every check once on the untouched repository")
    .option("--json", "print the problems as JSON")
    .action(async (options: ValidateOptions) => {
      const global = program.opts<GlobalOptions>();
      const out = outputFor(ctx, options);
      const repoRoot = await findRepoRoot(ctx, global.repo);
      try {
        const config = await loadProjectConfig(repoRoot, { env: ctx.env, requireTasks: true });
        const warnings =
          config.quality.checks.size === 0
            ? [
                `${EMPTY_GATE}: every step passes unchecked, and \`run\` refuses it unless --allow-empty-gate`,
              ]
            : [];
        const notes = (config.notes ?? []).map(
          (n) => `${n.file}:${n.line}:${n.column}: ${n.path}: ${n.message}`,
        );
        const trials = options.runChecks === true ? await runChecks(out, repoRoot, config) : [];
        const failed = trials.filter((t) => !t.passed);
        if (failed.length > 0) ctx.exitCode = ExitCode.userError;
        if (out.json) {
          out.emit({
            ok: failed.length === 0,
            tasks: config.tasks.length,
            problems: [],
            warnings,
            checks: trials,
          });
          return;
        }
        for (const n of notes) out.out(`${out.color.dim("note")}: ${n}`);
        for (const w of warnings) out.out(`${out.color.yellow("warning")}: ${w}`);
        out.out(
          `${failed.length === 0 ? out.color.green("ok") : out.color.red("failing checks")}: ` +
            `${config.tasks.length} task(s), ${config.models.models.size} model(s), ` +
            `${config.quality.checks.size} check(s)` +
            (trials.length > 0
              ? `, ${trials.length - failed.length} of ${trials.length} ran green`
              : ""),
        );
      } catch (error) {
        if (!(error instanceof ConfigError) || !out.json) throw error;
        out.emit({ ok: false, problems: error.problems });
        ctx.exitCode = ExitCode.userError;
      }
    });
}
