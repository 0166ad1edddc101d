import { createHash } from "node:crypto";
import type { StepView, TaskView } from "../core/projection.js";
import type { TaskState } from "../core/state-machine.js";
import type { WorkspacePort } from "../core/workspace-port.js";
import type { RunContext } from "./step-context.js";

/** sha256 of a patch, as recorded with an implementation and its review. */
export function diffHash(patch: string): string {
  return createHash("sha256").update(patch).digest("hex");
}

/** Steps recorded as committed whose commit (found by its trailers) is not on the branch. */
export async function missingStepCommits(
  workspace: WorkspacePort,
  worktree: string,
  view: TaskView,
): Promise<StepView[]> {
  const committed = view.steps.filter((s) => s.status === "committed");
  if (committed.length === 0) return [];
  const onBranch = new Set(
    (await workspace.stepCommits(worktree))
      .filter((c) => c.taskId === view.taskId)
      .map((c) => c.stepId),
  );
  return committed.filter((s) => !onBranch.has(s.id));
}

/** One line naming what the branch lost: `S1 (commit 1a2b3c4d5e6f), S2 (...)`. */
export function describeMissing(branch: string, missing: readonly StepView[]): string {
  const steps = missing.map((s) => `${s.id} (commit ${(s.commitSha ?? "?").slice(0, 12)})`);
  return (
    `branch ${branch} no longer holds the commits of ${steps.join(", ")} recorded as done; ` +
    `restore the branch (git reflog) and retry, or abort the task`
  );
}

/** The change the worktree must hold in this state, when it must hold one. */
export function expectedChange(
  ctx: Pick<RunContext, "recorder">,
): { stepId: string; attempt: number; hash: string; empty: boolean } | undefined {
  const { view } = ctx.recorder;
  const step = view.steps.find((s) => s.id === view.currentStepId);
  if (step?.status !== "in_progress") return undefined;
  const states: readonly TaskState[] = [
    "IMPLEMENTING",
    "CODE_REVIEW",
    "QUALITY_GATE",
    "STEP_COMPLETE",
  ];
  if (!states.includes(view.status)) return undefined;
  const impl = ctx.recorder.findSinceStepStart(step.id, "implementation.recorded", (b) => b.ok);
  if (!impl) return undefined;
  // IMPLEMENTING: only once this attempt's change is recorded (else the attempt restarts anyway).
  if (view.status === "IMPLEMENTING" && impl.attempt !== step.currentAttempt) return undefined;
  const review = ctx.recorder.findSinceStepStart(
    step.id,
    "code.reviewed",
    (b) => b.attempt === impl.attempt,
  );
  return {
    stepId: step.id,
    attempt: impl.attempt,
    hash: review?.diffHash ?? impl.diffHash ?? diffHash(impl.diff),
    empty: impl.diff === "",
  };
}

/**
 * Checks that the worktree still holds the reviewed change of the current step; when it does
 * not (its folder was deleted and re-created, or something else wrote there), discards what is
 * there and starts the step again as a new attempt. Returns whether it did. Leaves the change
 * staged. `searched`: the caller has just looked for the step's commit on the branch and found
 * none (else, in STEP_COMPLETE, a committed step is looked for first: its change is gone).
 */
export async function redoLostChange(
  ctx: RunContext,
  why: string,
  searched = false,
): Promise<boolean> {
  const expected = expectedChange(ctx);
  if (!expected) return false;
  const { workspace } = ctx.deps;
  const worktree = ctx.workspace.worktree;
  if (
    !searched &&
    ctx.recorder.view.status === "STEP_COMPLETE" &&
    (await workspace.findStepCommit(worktree, ctx.task.id, expected.stepId)) !== undefined
  ) {
    return false;
  }
  const actual = diffHash((await workspace.changes(worktree)).patch);
  if (actual === expected.hash) return false;
  await ctx.recorder.record({
    type: "note",
    level: "warn",
    message:
      `the worktree no longer holds the reviewed change of ${expected.stepId} ` +
      `(attempt ${String(expected.attempt)}, diff ${expected.hash.slice(0, 12)}; found ` +
      `${actual.slice(0, 12)}) ${why}; it is discarded and the step implemented again`,
  });
  await workspace.reset(worktree);
  await ctx.recorder.transition({
    type: "REDO_STEP",
    stepId: expected.stepId,
    reason: `the reviewed change was lost ${why}`,
  });
  return true;
}

/**
 * Before a resumed run trusts its workspace: the branch must still hold every step commit
 * recorded as done (else the task waits for a human with `workspace_lost`, naming what is
 * missing), and the worktree the reviewed change not yet committed (else it is implemented
 * again as a new attempt).
 */
export async function verifyWorkspace(
  ctx: RunContext,
  origin: "created" | "reused" | "re-added" | undefined,
): Promise<void> {
  const view = ctx.recorder.view;
  const missing = await missingStepCommits(ctx.deps.workspace, ctx.workspace.worktree, view);
  if (missing.length > 0) {
    await ctx.recorder.transition({
      type: "ESCALATE",
      reason: "workspace_lost",
      detail: describeMissing(ctx.workspace.branch, missing),
    });
    return;
  }
  const why =
    origin === "re-added" || origin === "created"
      ? "(the worktree folder was gone and was re-created from the branch)"
      : "(the worktree was changed after the review)";
  await redoLostChange(ctx, why);
}
