import { nextPendingStep } from "../core/projection.js";
import { currentStep } from "./implementing.js";
import type { RunContext } from "./step-context.js";
import { mergedDependency } from "./merge-step.js";

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

/** Commits the completed step exactly once: a commit found on the branch is never repeated. */
async function commitCurrentStep(ctx: RunContext): Promise<void> {
  const { recorder, task } = ctx;
  const step = currentStep(ctx);
  const view = recorder.view;
  const state = view.steps.find((s) => s.id === step.id);
  if (!state || state.status === "committed" || state.status === "skipped") return;
  const worktree = ctx.workspace.worktree;
  const last = recorder.lastTransition();
  if (last?.event.type === "HUMAN_DECISION" && last.event.decision === "skip_step") {
    await ctx.deps.workspace.reset(worktree);
    const sha = await ctx.deps.workspace.headSha(worktree);
    await recorder.record({
      type: "step.committed",
      stepId: step.id,
      sha,
      message: "",
      skipped: true,
    });
    return;
  }
  const key = `${task.id}/${step.id}`;
  await recorder.record({ type: "effect.started", effect: "git.commit", key });
  let sha = await ctx.deps.workspace.findStepCommit(worktree, task.id, step.id);
  const gate = state.lastGate;
  const review = recorder.findSinceStepStart(step.id, "code.reviewed");
  const subject = commitSubject(step.type, task.id, step.id, step.description);
  if (sha === undefined) {
    const merged = mergedDependency(ctx, step);
    const approvedByHuman = last?.event.type === "HUMAN_DECISION";
    sha = await ctx.deps.workspace.commitStep(worktree, {
      taskId: task.id,
      stepId: step.id,
      subject,
      body: step.description,
      trailers: {
        "Implemented-By": view.lastImplementer ?? "unknown",
        "Reviewed-By": review ? `${review.reviewer} (${review.review.status})` : "none",
        "Quality-Gate": gate
          ? `${gate.passed ? "passed" : "failed"} (${gate.checks.map((c) => `${c.name}:${c.passed ? "ok" : "fail"}`).join(", ") || "no checks"})`
          : "not run",
        ...(approvedByHuman ? { "Approved-By": "human" } : {}),
        Attempts: String(state.currentAttempt),
      },
      ...(merged === undefined ? {} : { mergeOf: merged.sha }),
    });
  }
  await recorder.record({
    type: "step.committed",
    stepId: step.id,
    sha,
    message: subject,
    skipped: false,
  });
  await recorder.record({ type: "effect.finished", effect: "git.commit", key, result: sha });
}

/** PLANNED and STEP_COMPLETE: commit what is done, then start the next step or finish. */
export async function handleStepBoundary(ctx: RunContext): Promise<void> {
  const { recorder } = ctx;
  if (recorder.view.status === "STEP_COMPLETE") await commitCurrentStep(ctx);
  const next = nextPendingStep(recorder.view);
  if (next) await recorder.transition({ type: "START_STEP", stepId: next.id });
  else await recorder.transition({ type: "ALL_STEPS_DONE" });
}
