import type { Command } from "commander";
import { loadProjectConfig } from "../../config/index.js";
import { ExitCode, UserError } from "../../core/errors.js";
import type { ProcessRunner } from "../../core/ports.js";
import { QUALITY_LEVELS, type QualityLevel } from "../../core/project-config.js";
import { gateWorkingTree, workingTreeGateLogDir, type BaseOutcome } from "../../gate/index.js";
import { NodeProcessRunner } from "../../process/node-process-runner.js";
import { Git } from "../../workspace/index.js";
import { resolveMainWorktree } from "../../workspace/worktree-list.js";
import type { CliContext, GlobalOptions } from "../context.js";
import { findRepoRoot, outputFor } from "../context.js";
import type { Output } from "../output.js";

interface GateOptions extends GlobalOptions {
  readonly level?: string;
  readonly base?: string;
}

function parseLevel(value: string | undefined): QualityLevel | "auto" | undefined {
  if (value === undefined) return undefined;
  const upper = value.toUpperCase();
  if (upper === "AUTO") return "auto";
  const level = QUALITY_LEVELS.find((l) => l === upper);
  if (level === undefined) {
    throw new UserError(
      `--level: expected one of ${QUALITY_LEVELS.join(", ")} or auto, found "${value}"`,
    );
  }
  return level;
}

function verdictJson(result: BaseOutcome, logDir: string): object {
  return {
    passed: result.passed,
    level: result.level,
    levelReason: result.levelReason,
    base: result.baseSha,
    baseline: result.baseline ?? null,
    breaking: result.breaking,
    checks: result.checks,
    feedback: result.feedback,
    logDir,
  };
}

function printVerdict(out: Output, result: BaseOutcome, baseHow: string, logDir: string): void {
  const c = out.color;
  out.out(
    `gate ${result.level} (${result.levelReason}) against ${result.baseSha.slice(0, 10)} (${baseHow})`,
  );
  if (result.baseline !== undefined) {
    const b = result.baseline;
    out.out(`baseline ${b.reused ? "reused" : `recorded (ran ${b.ran.join(", ")})`}: ${b.file}`);
  }
  for (const check of result.checks) {
    const status = check.passed ? c.green("PASS") : c.red("FAIL");
    const mode = check.mode === "related" ? " related" : check.mode === "skipped" ? " skipped" : "";
    out.out(
      `${status} ${check.name} (${check.kind ?? "custom"}${mode}) ${(check.durationMs / 1000).toFixed(1)}s`,
    );
  }
  if (!result.passed) out.out(`\n${result.feedback}`);
  out.out(`${result.passed ? c.green("passed") : c.red("FAILED")}; logs in ${logDir}`);
}

/** Loads the project's quality configuration and gates the working tree of `cwdRoot`. */
async function gateCheckout(
  runner: ProcessRunner,
  ctx: CliContext,
  cwdRoot: string,
  options: GateOptions,
): Promise<{ result: BaseOutcome; baseHow: string; logDir: string }> {
  const level = parseLevel(options.level);
  const mainRoot = await resolveMainWorktree(new Git(runner, cwdRoot));
  const config = await loadProjectConfig(mainRoot, { env: ctx.env, requireTasks: false });
  const logDir = workingTreeGateLogDir(mainRoot);
  const { result, base } = await gateWorkingTree({
    runner,
    cwdRoot,
    mainRoot,
    quality: config.quality,
    level,
    base: options.base,
    logDir,
  });
  return { result, baseHow: base.how, logDir };
}

export function registerGate(program: Command, ctx: CliContext): void {
  program
    .command("gate")
    .description(
      "run the quality gate on the working tree against a baseline of the base commit; exit 0 pass, 1 fail, 2 user error",
    )
    .option("--level <level>", "TRIVIAL, SMALL, MEDIUM, LARGE or auto (default: default_level)")
    .option(
      "--base <ref>",
      "baseline commit (default: merge-base with the default branch, else HEAD)",
    )
    .option("--json", "print the verdict as one JSON object")
    .action(async (options: GateOptions) => {
      const global = program.opts<GlobalOptions>();
      const out = outputFor(ctx, options);
      const cwdRoot = await findRepoRoot(ctx, global.repo);
      const runner = new NodeProcessRunner();
      const { result, baseHow, logDir } = await gateCheckout(runner, ctx, cwdRoot, options);
      if (out.json) out.emit(verdictJson(result, logDir));
      else printVerdict(out, result, baseHow, logDir);
      ctx.exitCode = result.passed ? ExitCode.ok : ExitCode.taskNotDone;
    });
}
