import type { EventBody } from "../core/events.js";
import { currentStep } from "./implementing.js";
import type { RunContext } from "./step-context.js";
import { mergedDependency } from "./merge-step.js";
import { expectedChange, redoLostChange } from "./verify-workspace.js";

function commitSubject(type: string, taskId: string, stepId: string, description: string): string {
  const kind: Record<string, string> = {
    docs: "docs",
    comments: "docs",
    testing: "test",
    tests: "test",
    refactor: "refactor",
    simple_refactor: "refactor",
    analysis: "chore",
    merge: "merge",
    validation: "chore",
  };
  const first = description.split("\n")[0] ?? "";
  const text = first.length > 60 ? `${first.slice(0, 57)}...` : first;
  return `${kind[type] ?? "feat"}(${taskId}): ${stepId} ${text}`;
}

/**
 * Commits the completed step exactly once: the branch, not the event log, says whether it is
 * committed — a commit with the step's trailers since the task's base is never repeated, even
 * when the log lost its record (a crash between the commit and its record, a log that lost
 * its unsynced tail, a restored database). Returns the events that record the commit, for the
 * caller to write with the transition that follows (one transaction); the start of the commit
 * is written before it, durably, on its own. Returns undefined when the worktree no longer holds
 * the reviewed change: the step starts again (docs/RESUME.md).
 */
async function commitCurrentStep(ctx: RunContext): Promise<EventBody[] | undefined> {
  const { recorder, task } = ctx;
  const step = currentStep(ctx);
  const view = recorder.view;
  const state = view.steps.find((s) => s.id === step.id);
  if (!state || state.status === "committed" || state.status === "skipped") return [];
  const worktree = ctx.workspace.worktree;
  const last = recorder.lastTransition();
  if (last?.event.type === "HUMAN_DECISION" && last.event.decision === "skip_step") {
    await ctx.deps.workspace.reset(worktree);
    const sha = await ctx.deps.workspace.headSha(worktree);
    return [{ type: "step.committed", stepId: step.id, sha, message: "", skipped: true }];
  }
  const key = `${task.id}/${step.id}`;
  let sha = await ctx.deps.workspace.findStepCommit(worktree, task.id, step.id);
  // Only the reviewed change is committed: a lost or altered one is implemented again. The
  // check stages the worktree, so the commit below need not stage it again.
  if (sha === undefined && (await redoLostChange(ctx, "before its commit", true))) return undefined;
  const expected = expectedChange(ctx);
  await recorder.record({ type: "effect.started", effect: "git.commit", key });
  const gate = state.lastGate;
  const lastReview = recorder.findSinceStepStart(step.id, "code.reviewed");
  // Every reviewer of the attempt that was approved (min_reviews.code may ask for several).
  const reviews = recorder.allSinceStepStart(
    step.id,
    "code.reviewed",
    (b) => b.attempt === lastReview?.attempt,
  );
  const subject = commitSubject(step.type, task.id, step.id, step.description);
  if (sha === undefined) {
    const merged = mergedDependency(ctx, step);
    const approvedByHuman = last?.event.type === "HUMAN_DECISION";
    sha = await ctx.deps.workspace.commitStep(worktree, {
      // Empty only when the reviewers approved an empty change (the step changes nothing).
      allowEmpty: expected === undefined ? approvedByHuman : expected.empty,
      taskId: task.id,
      stepId: step.id,
      subject,
      body: step.description,
      trailers: {
        "Implemented-By": view.lastImplementer ?? "unknown",
        "Reviewed-By":
          reviews.map((r) => `${r.reviewer} (${r.review.status})`).join(", ") || "none",
        "Quality-Gate": gate
          ? `${gate.passed ? "passed" : "failed"} (${gate.checks.map((c) => `${c.name}:${c.passed ? "ok" : "fail"}`).join(", ") || "no checks"})`
          : "not run",
        ...(approvedByHuman ? { "Approved-By": "human" } : {}),
        Attempts: String(state.currentAttempt),
      },
      ...(merged === undefined ? {} : { mergeOf: merged.sha }),
      // Staged by the check above (nothing in between writes to the worktree; a merge step
      // restores git's merge state first, which may write the index).
      staged: expected !== undefined && merged === undefined,
    });
  }
  return [
    { type: "step.committed", stepId: step.id, sha, message: subject, skipped: false },
    { type: "effect.finished", effect: "git.commit", key, result: sha },
  ];
}

/** PLANNED and STEP_COMPLETE: commit what is done, then start the next step or finish. */
export async function handleStepBoundary(ctx: RunContext): Promise<void> {
  const { recorder } = ctx;
  const results = recorder.view.status === "STEP_COMPLETE" ? await commitCurrentStep(ctx) : [];
  if (results === undefined) return;
  // The step just committed is not in the view until `results` are recorded below.
  const done = new Set(results.flatMap((b) => (b.type === "step.committed" ? [b.stepId] : [])));
  const next = recorder.view.steps.find(
    (s) => !done.has(s.id) && (s.status === "pending" || s.status === "in_progress"),
  );
  if (next) await recorder.transition({ type: "START_STEP", stepId: next.id }, results);
  else await recorder.transition({ type: "ALL_STEPS_DONE" }, results);
}
