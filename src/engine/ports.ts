import type { GateCheckResult } from "../core/events.js";
import type { Clock, ModelProvider, ProcessRunner, Store } from "../core/ports.js";
import type { ProjectConfig, ModelSpec, QualityLevel } from "../core/project-config.js";
import type { Risk, Task } from "../core/task.js";
import type { ResilienceIo } from "../providers/resilience/index.js";
import type { EventListener } from "./task-recorder.js";

/** A task's git worktree, as the engine needs it. */
export interface TaskWorkspace {
  readonly worktree: string;
  readonly branch: string;
  readonly baseSha: string;
  /** How `ensure` found it: made now, reused, or its folder re-created from the branch. */
  readonly origin?: "created" | "reused" | "re-added";
}

/** The git side effects of the engine; the real one lives in workspace/. */
export interface WorkspacePort {
  /** Creates the task's worktree and branch, or returns the existing ones (idempotent). */
  ensure(task: Task): Promise<TaskWorkspace>;
  /** Stages everything in the worktree and returns the change against its HEAD. */
  changes(worktree: string): Promise<{ patch: string; files: string[] }>;
  /** Discards uncommitted changes (tracked and untracked, not ignored files). */
  reset(worktree: string): Promise<void>;
  /** Applies a patch produced by `changes` onto a clean worktree. */
  applyPatch(worktree: string, patch: string): Promise<void>;
  /** `git status --porcelain` of the worktree, for the planner. */
  status(worktree: string): Promise<string>;
  commitStep(
    worktree: string,
    commit: {
      taskId: string;
      stepId: string;
      subject: string;
      body: string;
      trailers: Record<string, string>;
      /** Only for a step whose reviewed change is empty; otherwise an empty commit fails. */
      allowEmpty?: boolean;
    },
  ): Promise<string>;
  /** The commit of a step already on the branch (found by its trailer), if any. */
  findStepCommit(worktree: string, taskId: string, stepId: string): Promise<string | undefined>;
  /** Every step commit on the branch since its base (by trailers), oldest first. */
  stepCommits(worktree: string): Promise<{ sha: string; taskId: string; stepId: string }[]>;
  headSha(worktree: string): Promise<string>;
  remove(task: Task): Promise<void>;
}

export interface GateOutcome {
  readonly passed: boolean;
  readonly checks: GateCheckResult[];
  readonly feedback: string;
  /** The level that ran, when the gate chose it (`choose`); else the requested one. */
  readonly level?: QualityLevel;
  readonly levelReason?: string;
  /** A `breaking` check failed: escalate instead of retrying. */
  readonly breaking?: boolean;
}

/** What the gate records about its baseline (the `gate.baseline` event). */
export interface GateBaselineRecord {
  readonly sha: string;
  readonly configHash: string;
  readonly file: string;
  readonly checks: string[];
  readonly ran: string[];
  readonly reused: boolean;
  readonly durationMs: number;
}

/** What the gate prepares when a task starts (`GatePort.prepare`). */
export interface GatePrepareInput {
  /** The task's worktree. */
  readonly cwd: string;
  /** The task's base commit. */
  readonly baseSha: string;
  /** Logs of what runs. */
  readonly logDir: string;
  /** Fires when the task's run ends: whatever still runs is stopped. */
  readonly signal: AbortSignal;
}

/** Runs the quality gate in a worktree at a level. */
export type GatePort = GateRun & {
  /**
   * Called, not awaited, when a task starts: builds the baseline of its base commit in the
   * background while the task plans, so the first gate finds it or waits for it. Rejects on
   * failure (the first gate runs the baseline again and reports the error) or abort; settles
   * only once what it started has stopped.
   */
  readonly prepare?: (input: GatePrepareInput) => Promise<void>;
};

/** The gate itself: runs the checks in a worktree. */
export type GateRun = (input: {
  cwd: string;
  /** The level to run when `choose` is absent (and the fallback a fake gate reports). */
  level: QualityLevel;
  logDir: string;
  signal: AbortSignal;
  /** Compare with the baseline of this commit (the task's base). */
  baseSha?: string;
  /** Choose the level from the step and its change (docs/GATE.md) instead of `level`. */
  choose?: {
    override?: QualityLevel | undefined;
    defaultLevel: QualityLevel;
    taskRisk: Risk;
    stepRisk: Risk;
    isFinal: boolean;
  };
  /** The task's constraints: ZERO-WARNINGS, NN%+ test coverage (applied on the final step). */
  constraints?: readonly string[];
  /** Records the baseline (run or reused) before the checks run. */
  onBaseline?: (record: GateBaselineRecord) => Promise<void>;
}) => Promise<GateOutcome>;

/** Everything the engine needs, handed in by its creator; tests hand in fakes. */
export interface EngineDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly config: ProjectConfig;
  readonly runner: ProcessRunner;
  readonly providerFor: (spec: ModelSpec) => ModelProvider;
  readonly workspace: WorkspacePort;
  readonly gate: GatePort;
  readonly listener?: EventListener;
  /** Environment for model processes of a task (the trace context); default none. */
  readonly childEnv?: (taskId: string, providerKind: string) => Record<string, string>;
  /** Waiting and chance for retries of failed model calls; tests make them instant. */
  readonly resilienceIo?: Partial<Pick<ResilienceIo, "sleep" | "random">>;
  /** Identifies this process in task leases. */
  readonly owner: string;
  readonly leaseTtlMs?: number;
}
