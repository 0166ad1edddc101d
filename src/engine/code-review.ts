import type { EventBody } from "../core/events.js";
import type { ModelSpec } from "../core/project-config.js";
import type { CodeReview } from "../core/review.js";
import { additionalReviewer, type RouteRequest } from "../routing/index.js";
import { chooseCodeReviewer } from "./choose-model.js";
import { currentStep } from "./implementing.js";
import { askForJson } from "./model-caller.js";
import { codeReviewerPrompt, parseCodeReview, repairPrompt } from "./role-io.js";
import type { RunContext } from "./step-context.js";
import { mergeSides } from "./merge-step.js";
import { diffHash } from "./verify-workspace.js";

type Reviewed = Extract<EventBody, { type: "code.reviewed" }>;
type PlanStep = ReturnType<typeof currentStep>;

/**
 * CODE_REVIEW: models of another family review the step's diff — as many as `min_reviews.code`
 * asks (one by default), each recorded as its own `code.reviewed`. The step goes on only when
 * all approve; otherwise the implementer gets every reviewer's findings.
 */
export async function handleCodeReview(ctx: RunContext): Promise<void> {
  const { recorder } = ctx;
  const step = currentStep(ctx);
  const stepState = recorder.view.steps.find((s) => s.id === step.id);
  const attempt = stepState?.currentAttempt ?? 1;
  const used = stepState?.attempts ?? 1;
  const needed = Math.max(1, ctx.deps.config.quality.minCodeReviews ?? 1);
  // Reviews recorded before a crash are reused; only the missing reviewers are asked.
  const reviews: Reviewed[] = recorder.allSinceStateEntry(
    "code.reviewed",
    (b) => b.stepId === step.id && b.attempt === attempt,
  );
  // The last review is recorded with the transition it leads to, in one transaction.
  const results: EventBody[] = [];
  while (reviews.length < needed) {
    const outcome = await askReviewer(ctx, step, attempt, reviews, needed);
    if ("error" in outcome) {
      await recorder.transition({ type: "ESCALATE", reason: "model_error", detail: outcome.error });
      return;
    }
    reviews.push(outcome.reviewed);
    if (reviews.length < needed) await recorder.record(outcome.reviewed);
    else results.push(outcome.reviewed);
  }
  const rejecting = reviews.filter((r) => r.review.status !== "approved");
  if (rejecting.length === 0) {
    await recorder.transition({ type: "CODE_APPROVED", stepId: step.id }, results);
  } else if (used >= ctx.deps.config.quality.maxAttempts) {
    const detail = rejecting
      .map(
        (r) =>
          `code review by ${r.reviewer} ${r.review.status} ${used} times: ${r.review.review.required_changes.slice(0, 3).join("; ")}`,
      )
      .join(" | ");
    await recorder.transition(
      {
        type: "ESCALATE",
        reason: "review_rejected",
        detail: `${step.id}: ${detail}`,
      },
      results,
    );
  } else {
    await recorder.transition({ type: "CHANGES_REQUESTED", stepId: step.id }, results);
  }
}

/** The next reviewer of the attempt: the routed one first, then others of another family. */
function nextReviewer(
  ctx: RunContext,
  req: RouteRequest,
  attempt: number,
  author: ModelSpec | undefined,
  done: readonly Reviewed[],
): { model: ModelSpec; reason: string } | undefined {
  if (done.length === 0) return chooseCodeReviewer(ctx, req, attempt);
  const names = done.map((r) => r.reviewer);
  const model = additionalReviewer(
    ctx.deps.config.models,
    req,
    { family: author?.family, name: author?.name },
    names,
  );
  if (model === undefined) return undefined;
  return {
    model,
    reason: `code_reviewer=${model.name} (reviewer ${done.length + 1} of min_reviews.code, after ${names.join(", ")})`,
  };
}

async function askReviewer(
  ctx: RunContext,
  step: PlanStep,
  attempt: number,
  done: readonly Reviewed[],
  needed: number,
): Promise<{ reviewed: Reviewed } | { error: string }> {
  const { recorder, task } = ctx;
  const impl = recorder.findSinceStepStart(step.id, "implementation.recorded", (b) => b.ok);
  const author = ctx.deps.config.models.models.get(recorder.view.lastImplementer ?? "");
  const req: RouteRequest = {
    role: "code_reviewer",
    risk: step.risk,
    area: task.area,
    stepType: step.type,
    ...(author ? { authorFamily: author.family } : {}),
  };
  const decision = nextReviewer(ctx, req, attempt, author, done);
  if (decision === undefined) {
    return {
      error:
        `code reviewer: min_reviews.code asks for ${needed} reviewers, but no model of another ` +
        `family than ${author?.name ?? "the author"} is left after ${done.map((r) => r.reviewer).join(", ")}`,
    };
  }
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
  if (!answer.ok) return { error: `code reviewer: ${answer.error}` };
  return {
    reviewed: {
      type: "code.reviewed",
      stepId: step.id,
      attempt,
      review: answer.value,
      reviewer: answer.spec.name,
      diffHash: impl?.diffHash ?? diffHash(impl?.diff ?? ""),
    },
  };
}
