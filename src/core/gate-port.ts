import type { EventBody, GateCheckResult } from "./events.js";
import type { QualityLevel } from "./project-config.js";
import type { Risk } from "./task.js";

/** What the gate records about its baseline: the fields of the `gate.baseline` event. */
export type GateBaselineRecord = Omit<Extract<EventBody, { type: "gate.baseline" }>, "type">;

/**
 * The verdict of a gate run: one shape for the gate's own functions, the engine's `GatePort`
 * and `orchestrator gate`. A fake gate in a test may leave the optional fields out.
 */
export interface GateOutcome {
  readonly passed: boolean;
  /** One per check run, in level order. */
  readonly checks: GateCheckResult[];
  /** "" when passed; otherwise a short report of the failed checks for the implementer. */
  readonly feedback: string;
  /** The level that ran, when the gate chose it (`choose`); else the requested one. */
  readonly level?: QualityLevel;
  readonly levelReason?: string;
  /** A `breaking` check failed: escalate instead of retrying. */
  readonly breaking?: boolean;
  /** The base commit the run was compared with. */
  readonly baseSha?: string;
  /** The baseline it was compared with; absent when no check of the level has a report. */
  readonly baseline?: GateBaselineRecord;
}

/** A {@link GateOutcome} whose fields `K` the producer always sets. */
export type GateOutcomeWith<K extends keyof GateOutcome> = GateOutcome &
  Required<Pick<GateOutcome, K>>;

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
