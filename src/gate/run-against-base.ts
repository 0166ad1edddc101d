import { join } from "node:path";
import type { ProcessRunner } from "../core/ports.js";
import type { QualityConfig, QualityLevel } from "../core/project-config.js";
import { parseConstraint } from "../core/task.js";
import { Git } from "../workspace/index.js";
import { resolveMainWorktree } from "../workspace/worktree-list.js";
import type { GateBaselineRecord, GateOutcomeWith } from "../core/gate-port.js";
import { ensureBaseline, prewarmBaseline, type Baseline } from "./baseline.js";
import { describeChange, listUntracked } from "./change.js";
import { chooseLevel, type LevelInput } from "./levels.js";
import { checksOf, runGate } from "./run-level-checks.js";

/** A gate run against the baseline of a base commit, as the engine and `orchestrator gate` do it. */
export interface GateRunRequest {
  readonly runner: ProcessRunner;
  readonly quality: QualityConfig;
  /** The worktree to check. */
  readonly cwd: string;
  /** The base commit: baseline and `{base}`. */
  readonly baseSha: string;
  /** A fixed level, or what to choose it from (the step's change is measured against `stepRef`). */
  readonly level:
    | { readonly fixed: QualityLevel; readonly reason: string }
    | { readonly choose: Omit<LevelInput, "files" | "changedLines">; readonly stepRef: string };
  /** Logs of the checks; the baseline's go to `<logDir>/baseline`. */
  readonly logDir: string;
  readonly signal?: AbortSignal | undefined;
  readonly env?: Readonly<Record<string, string>> | undefined;
  /** The task's constraints (ZERO-WARNINGS, NN%+ test coverage). */
  readonly constraints?: readonly string[] | undefined;
  /** Apply `NN%+ test coverage` on this run (the task's final step). */
  readonly coverageConstraint?: boolean | undefined;
  /** Called once the baseline is ready, to record it before the checks run. */
  readonly onBaseline?: ((record: GateBaselineRecord) => Promise<void>) | undefined;
  /**
   * The root of the repository's main worktree, when the caller knows it (the engine asks once
   * per task, not once per gate); else found from `cwd`.
   */
  readonly mainRoot?: string | undefined;
}

/** A gate run against a base: it also says why the level was chosen and what it compared with. */
export type BaseOutcome = GateOutcomeWith<"level" | "breaking" | "levelReason" | "baseSha">;

function constraintsOf(texts: readonly string[]): { coverageMin?: number; zeroWarnings: boolean } {
  let coverageMin: number | undefined;
  let zeroWarnings = false;
  for (const text of texts) {
    const c = parseConstraint(text);
    if (c.kind === "coverage") coverageMin = Math.max(coverageMin ?? 0, c.minPercent);
    if (c.kind === "zero-warnings") zeroWarnings = true;
  }
  return { ...(coverageMin === undefined ? {} : { coverageMin }), zeroWarnings };
}

/**
 * Chooses the level, makes sure the baseline of the base commit holds the level's checks with
 * reports (running them in a detached worktree when the cache does not), then runs the level's
 * checks in `cwd` and compares them with it.
 */
export async function runGateAgainstBase(request: GateRunRequest): Promise<BaseOutcome> {
  const { runner, cwd, baseSha } = request;
  const stepRef =
    "fixed" in request.level || request.level.stepRef === baseSha
      ? undefined
      : request.level.stepRef;
  // The same working tree against the base and the step's start: its untracked files once.
  const untracked = await listUntracked(runner, cwd);
  const [change, stepChange] = await Promise.all([
    describeChange(runner, cwd, baseSha, untracked),
    stepRef === undefined ? undefined : describeChange(runner, cwd, stepRef, untracked),
  ]);
  let level: QualityLevel;
  let levelReason: string;
  if ("fixed" in request.level) {
    level = request.level.fixed;
    levelReason = request.level.reason;
  } else {
    const step = stepChange ?? change;
    const choice = chooseLevel({
      ...request.level.choose,
      files: step.files,
      changedLines: step.lineCount,
    });
    level = choice.level;
    levelReason = choice.reason;
  }
  const specs = checksOf(request.quality, level);
  const mainRoot = request.mainRoot ?? (await resolveMainWorktree(new Git(runner, cwd)));
  const env = {
    ...request.env,
    ORCHESTRATOR_REPO_ROOT: mainRoot,
    ORCHESTRATOR_BASE_SHA: baseSha,
  };
  const withReports = specs.filter((s) => (s.reports ?? []).length > 0);
  let baseline: Awaited<ReturnType<typeof ensureBaseline>> | undefined;
  if (withReports.length > 0) {
    baseline = await ensureBaseline({
      runner,
      mainRoot,
      sha: baseSha,
      quality: request.quality,
      checks: withReports,
      logDir: join(request.logDir, "baseline"),
      signal: request.signal,
      env: request.env,
    });
    await request.onBaseline?.(baseline.record);
  }
  const constraints = constraintsOf(request.constraints ?? []);
  const result = await runGate({
    cwd,
    quality: request.quality,
    level,
    runner,
    logDir: request.logDir,
    signal: request.signal,
    env,
    compare: {
      baseSha,
      baseline: baseline?.runs ?? new Map(),
      change,
      related: level === "SMALL",
      coverageMinPct: request.coverageConstraint === true ? constraints.coverageMin : undefined,
      zeroWarnings: constraints.zeroWarnings,
    },
  });
  return {
    ...result,
    levelReason,
    baseSha,
    ...(baseline === undefined ? {} : { baseline: baseline.record }),
  };
}

/** What {@link prewarmGateBaseline} needs: the worktree of a task (or any of the repository). */
export interface GatePrewarmRequest {
  readonly runner: ProcessRunner;
  readonly quality: QualityConfig;
  /** A worktree of the repository: the baseline cache is in its main worktree. */
  readonly cwd: string;
  readonly baseSha: string;
  /** Logs of the baseline's checks. */
  readonly logDir: string;
  readonly signal?: AbortSignal | undefined;
  readonly env?: Readonly<Record<string, string>> | undefined;
  /** As in {@link GateRunRequest}. */
  readonly mainRoot?: string | undefined;
}

/**
 * Builds the baseline of `baseSha` for every check with a report, ahead of the first gate
 * ({@link prewarmBaseline}); a gate that needs it meanwhile waits for this run. Resolves to
 * undefined when no check has a report; rejects on failure or when `signal` fires, once the
 * run's processes and worktree are gone.
 */
export async function prewarmGateBaseline(
  request: GatePrewarmRequest,
): Promise<Baseline | undefined> {
  request.signal?.throwIfAborted();
  const mainRoot =
    request.mainRoot ?? (await resolveMainWorktree(new Git(request.runner, request.cwd)));
  return prewarmBaseline({
    runner: request.runner,
    mainRoot,
    sha: request.baseSha,
    quality: request.quality,
    logDir: request.logDir,
    signal: request.signal,
    env: request.env,
  }).done;
}
