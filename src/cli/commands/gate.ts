import type { Command } from "commander";
import { join } from "node:path";
import { loadProjectConfig } from "../../config/index.js";
import { ExitCode, UserError } from "../../core/errors.js";
import type { ProcessRunner } from "../../core/ports.js";
import { QUALITY_LEVELS, type QualityLevel } from "../../core/project-config.js";
import {
  copyWorkingState,
  runGateAgainstBase,
  withDetachedWorktree,
  type GateRunResult,
} from "../../gate/index.js";
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

async function commitOf(git: Git, ref: string, what: string): Promise<string> {
  const result = await git.tryRun([
    "rev-parse",
    "--verify",
    "--quiet",
    "--end-of-options",
    `${ref}^{commit}`,
  ]);
  if (result.exitCode !== 0)
    throw new UserError(`${what} ${JSON.stringify(ref)} is not a commit in ${git.cwd}`);
  return result.stdout.trim();
}

/** The default base: the merge-base of HEAD with the default branch, else HEAD itself. */
async function defaultBase(git: Git, head: string): Promise<{ sha: string; how: string }> {
  const candidates: string[] = [];
  const remoteHead = await git.tryRun(["symbolic-ref", "--quiet", "refs/remotes/origin/HEAD"]);
  if (remoteHead.exitCode === 0) candidates.push(remoteHead.stdout.trim());
  candidates.push("refs/heads/main", "refs/heads/master");
  for (const ref of candidates) {
    const exists = await git.tryRun(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
    if (exists.exitCode !== 0) continue;
    const base = await git.tryRun(["merge-base", "HEAD", ref]);
    if (base.exitCode === 0) {
      const name = ref.replace(/^refs\/(?:heads|remotes)\//, "");
      return { sha: base.stdout.trim(), how: `merge-base of HEAD and ${name}` };
    }
  }
  return { sha: head, how: "HEAD" };
}

function timestamp(): string {
  return new Date().toISOString().replace(/[:.]/g, "-");
}

function verdictJson(result: GateRunResult, logDir: string): object {
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

function printVerdict(out: Output, result: GateRunResult, baseHow: string, logDir: string): void {
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

/** Gates the working tree of `cwdRoot` in a snapshot worktree, so the checkout is not touched. */
async function gateWorkingTree(
  runner: ProcessRunner,
  ctx: CliContext,
  cwdRoot: string,
  options: GateOptions,
): Promise<{ result: GateRunResult; baseHow: string; logDir: string }> {
  const level = parseLevel(options.level);
  const git = new Git(runner, cwdRoot);
  const mainRoot = await resolveMainWorktree(git);
  const config = await loadProjectConfig(mainRoot, { env: ctx.env, requireTasks: false });
  const head = await git.tryRun(["rev-parse", "--verify", "--quiet", "HEAD^{commit}"]);
  if (head.exitCode !== 0)
    throw new UserError(`${cwdRoot} has no commits yet; commit something first`);
  const headSha = head.stdout.trim();
  const base =
    options.base === undefined
      ? await defaultBase(git, headSha)
      : { sha: await commitOf(git, options.base, "--base"), how: options.base };
  const logDir = join(mainRoot, ".orchestrator", "cache", "runs", `gate-${timestamp()}`);
  const quality = config.quality;
  const result = await withDetachedWorktree(runner, mainRoot, "gate", headSha, async (snapshot) => {
    await copyWorkingState(runner, cwdRoot, snapshot);
    return runGateAgainstBase({
      runner,
      quality,
      cwd: snapshot,
      baseSha: base.sha,
      level:
        level === "auto"
          ? {
              choose: {
                defaultLevel: quality.defaultLevel,
                taskRisk: "medium",
                stepRisk: "medium",
                isFinal: false,
              },
              stepRef: base.sha,
            }
          : {
              fixed: level ?? quality.defaultLevel,
              reason: level === undefined ? "default_level" : "--level",
            },
      logDir,
    });
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
      const { result, baseHow, logDir } = await gateWorkingTree(runner, ctx, cwdRoot, options);
      if (out.json) out.emit(verdictJson(result, logDir));
      else printVerdict(out, result, baseHow, logDir);
      ctx.exitCode = result.passed ? ExitCode.ok : ExitCode.taskNotDone;
    });
}
