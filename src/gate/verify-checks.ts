import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ProcessRunner } from "../core/ports.js";
import type { CheckSpec, CommandSpec } from "../core/project-config.js";
import { Git } from "../workspace/index.js";
import { combinedOutput, ending, executeCheck, runCommand, seconds } from "./execute-check.js";
import { copyWorkingState, withDetachedWorktree } from "./gate-worktree.js";

/** What one check did on the untouched repository. */
export interface CheckTrial {
  readonly name: string;
  readonly passed: boolean;
  /** "ran green in 1.2s", "exit code 1: 2 failing tests (slug fails, ...)". */
  readonly detail: string;
}

export interface VerifyRequest {
  readonly runner: ProcessRunner;
  /** The main checkout; its HEAD plus working state is what the checks run on. */
  readonly repoRoot: string;
  readonly checks: readonly CheckSpec[];
  readonly setup?: CommandSpec | undefined;
  readonly env?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
  /** Called as each check ends, for progress lines. */
  readonly onTrial?: (trial: CheckTrial) => void;
}

const SETUP_TIMEOUT_MS = 10 * 60_000;

/** Why a check's run is not green, or undefined when it is. */
function failureOf(
  spec: CheckSpec,
  execution: Awaited<ReturnType<typeof executeCheck>>,
): string | undefined {
  const { outcome, data } = execution;
  if (outcome.timedOut || outcome.exitCode === null) return ending(outcome, spec.timeoutMs);
  if (data !== undefined && data.errors.length > 0) return data.errors.join("; ");
  const failing = (data?.tests ?? []).filter((t) => t.status === "failed" || t.status === "error");
  if (failing.length > 0) {
    const names = failing
      .slice(0, 3)
      .map((t) => (t.suite === "" ? t.name : `${t.suite} ${t.name}`));
    return `${failing.length} failing test(s): ${names.join(", ")}${failing.length > 3 ? ", ..." : ""}`;
  }
  // Warnings that are already there do not block (only new ones do), so a warning report that
  // was read is usable whatever the exit code; anything else must exit 0.
  if (data?.warnings !== undefined) return undefined;
  if (outcome.exitCode !== 0) {
    const tail = combinedOutput(outcome).trim().split("\n").slice(-1)[0] ?? "";
    return `${ending(outcome, spec.timeoutMs)}${tail === "" ? "" : `: ${tail.slice(0, 200)}`}`;
  }
  return undefined;
}

function greenDetail(execution: Awaited<ReturnType<typeof executeCheck>>): string {
  const took = seconds(execution.outcome.durationMs);
  if (execution.mode === "skipped") return `runs when files change (${execution.skipped ?? ""})`;
  const tests = execution.data?.tests;
  const warnings = execution.data?.warnings;
  if (tests !== undefined) return `ran green in ${took}: ${tests.length} test(s) passed`;
  if (warnings !== undefined && warnings.length > 0) {
    return `ran in ${took}: ${warnings.length} existing warning(s), only new ones will block`;
  }
  return `ran green in ${took}`;
}

/**
 * Runs each check once on the repository as it is (HEAD plus uncommitted and untracked files),
 * in a detached worktree that is removed afterwards, with `setup` first: the proof that a gate
 * starts green. A repository without a commit has nothing to check out: every check is reported
 * as not run.
 */
export async function verifyChecks(request: VerifyRequest): Promise<CheckTrial[] | undefined> {
  const git = new Git(request.runner, request.repoRoot);
  const head = await git.tryRun(["rev-parse", "--verify", "--quiet", "HEAD^{commit}"]);
  if (head.exitCode !== 0) return undefined;
  const logDir = await mkdtemp(join(tmpdir(), "orchestrator-verify-"));
  try {
    return await withDetachedWorktree(
      request.runner,
      request.repoRoot,
      "verify",
      head.stdout.trim(),
      async (path) => {
        await copyWorkingState(request.runner, request.repoRoot, path);
        const env = { ...request.env, ORCHESTRATOR_REPO_ROOT: request.repoRoot };
        const values = { files: [], base: head.stdout.trim() };
        const options = {
          cwd: path,
          runner: request.runner,
          logDir,
          env,
          values,
          signal: request.signal,
        };
        if (request.setup !== undefined) {
          const setup = await runCommand(request.setup, options, SETUP_TIMEOUT_MS);
          if (setup.exitCode !== 0) {
            const why = `setup failed: ${ending(setup, SETUP_TIMEOUT_MS)}`;
            return request.checks.map((c) => ({ name: c.name, passed: false, detail: why }));
          }
        }
        const trials: CheckTrial[] = [];
        for (const spec of request.checks) {
          const execution = await executeCheck(spec, { ...options, readReports: true });
          const failure = failureOf(spec, execution);
          const trial: CheckTrial =
            failure === undefined
              ? { name: spec.name, passed: true, detail: greenDetail(execution) }
              : {
                  name: spec.name,
                  passed: false,
                  detail: `failed on the untouched repository: ${failure}`,
                };
          request.onTrial?.(trial);
          trials.push(trial);
        }
        return trials;
      },
    );
  } finally {
    await rm(logDir, { recursive: true, force: true });
  }
}
