import type { EventBody } from "../core/events.js";
import type { CodeReview } from "../core/review.js";
import { chooseCodeReviewer } from "./choose-model.js";
import { currentStep } from "./implementing.js";
import { askForJson } from "./model-caller.js";
import { codeReviewerPrompt, parseCodeReview, repairPrompt } from "./role-io.js";
import type { RunContext } from "./step-context.js";
import { mergeSides } from "./merge-step.js";
import { diffHash } from "./verify-workspace.js";

/** CODE_REVIEW: a model of another family reviews the step's diff. */
export async function handleCodeReview(ctx: RunContext): Promise<void> {
  const { recorder, task } = ctx;
  const step = currentStep(ctx);
  const view = recorder.view;
  const stepState = view.steps.find((s) => s.id === step.id);
  const attempt = stepState?.currentAttempt ?? 1;
  const used = stepState?.attempts ?? 1;
  const impl = recorder.findSinceStepStart(step.id, "implementation.recorded", (b) => b.ok);
  let review: CodeReview;
  let reviewer: string;
  // A new review is recorded with the transition it leads to, in one transaction.
  const results: EventBody[] = [];
  const recorded = recorder.findSinceStateEntry(
    "code.reviewed",
    (b) => b.stepId === step.id && b.attempt === attempt,
  );
  if (recorded) {
    review = recorded.review;
    reviewer = recorded.reviewer;
  } else {
    const author = ctx.deps.config.models.models.get(view.lastImplementer ?? "");
    const decision = chooseCodeReviewer(
      ctx,
      {
        role: "code_reviewer",
        risk: step.risk,
        area: task.area,
        stepType: step.type,
        ...(author ? { authorFamily: author.family } : {}),
      },
      attempt,
    );
    await recorder.record({
      type: "routing.decision",
      role: "code_reviewer",
      model: decision.model.name,
      stepId: step.id,
      reason: `${step.id} -> ${decision.reason}`,
    });
    const answer = await askForJson<CodeReview>(
      ctx,
      decision.model,
      {
        ...(await codeReviewerPrompt(
          ctx,
          step,
          impl?.diff ?? "",
          impl?.summary ?? "",
          await mergeSides(ctx, step),
        )),
        role: "code_reviewer",
        taskId: task.id,
        stepId: step.id,
        attempt,
        mode: "text",
        cwd: ctx.workspace.worktree,
        signal: ctx.signal,
      },
      (text) => parseCodeReview(text, step.id),
      (previous, error) => repairPrompt(previous, error, "code_review"),
      {
        risk: step.risk,
        area: task.area,
        stepType: step.type,
        ...(author ? { authorFamily: author.family } : {}),
      },
    );
    if (!answer.ok) {
      await recorder.transition({
        type: "ESCALATE",
        reason: "model_error",
        detail: `code reviewer: ${answer.error}`,
      });
      return;
    }
    review = answer.value;
    reviewer = answer.spec.name;
    results.push({
      type: "code.reviewed",
      stepId: step.id,
      attempt,
      review,
      reviewer,
      diffHash: impl?.diffHash ?? diffHash(impl?.diff ?? ""),
    });
  }
  if (review.status === "approved") {
    await recorder.transition({ type: "CODE_APPROVED", stepId: step.id }, results);
  } else if (used >= ctx.deps.config.quality.maxAttempts) {
    await recorder.transition(
      {
        type: "ESCALATE",
        reason: "review_rejected",
        detail: `${step.id}: code review by ${reviewer} ${review.status} ${used} times: ${review.review.required_changes.slice(0, 3).join("; ")}`,
      },
      results,
    );
  } else {
    await recorder.transition({ type: "CHANGES_REQUESTED", stepId: step.id }, results);
  }
}
