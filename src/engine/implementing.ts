import type { EventBody } from "../core/events.js";
import type { PlanStep } from "../core/plan.js";
import type { ModelSpec } from "../core/project-config.js";
import { chooseAuthor } from "./choose-model.js";
import { callModel, invalidTextError } from "./model-caller.js";
import type { CallFailure } from "./model-caller.js";
import { applyEditAnswer, implementerPrompt } from "./role-io.js";
import type { RunContext } from "./step-context.js";
import { modelNamed } from "./step-context.js";
import { MERGE_STEP_TYPE, prepareMerge, unresolvedMarkers } from "./merge-step.js";
import { diffHash } from "./verify-workspace.js";

/** The plan step being worked on; the projection guarantees it exists in IMPLEMENTING. */
export function currentStep(ctx: RunContext): PlanStep {
  const id = ctx.recorder.view.currentStepId;
  const step = ctx.recorder.view.plan?.steps.find((s) => s.id === id);
  if (!step) throw new Error(`no current step (${id ?? "none"}) in the plan`);
  return step;
}

/** The latest successful change of this step (since it started), to restore after a crash. */
function lastGoodPatch(ctx: RunContext, stepId: string): string | undefined {
  return ctx.recorder.findSinceStepStart(stepId, "implementation.recorded", (b) => b.ok)?.diff;
}

/** Brings the worktree back to where the attempt started: the last commit plus the last good change. */
async function restoreAttemptStart(ctx: RunContext, stepId: string): Promise<void> {
  const { workspace } = ctx.deps;
  await workspace.reset(ctx.workspace.worktree);
  const patch = lastGoodPatch(ctx, stepId);
  if (patch !== undefined && patch !== "")
    await workspace.applyPatch(ctx.workspace.worktree, patch);
}

function chooseImplementer(
  ctx: RunContext,
  step: PlanStep,
  attempt = 1,
  previous?: ModelSpec,
): { model: ModelSpec; reason: string } {
  return chooseAuthor(
    ctx,
    { role: "implementer", risk: step.risk, area: ctx.task.area, stepType: step.type },
    { attempt, previous },
  );
}

/** Runs one attempt: the model edits (text mode: we apply its edits; agent mode: it edits). */
async function implementOnce(
  ctx: RunContext,
  step: PlanStep,
  attempt: number,
  model: ModelSpec,
): Promise<{ ok: true; summary: string } | CallFailure> {
  const mode = ctx.deps.config.models.routing.implementerMode;
  const situation = { risk: step.risk, area: ctx.task.area, stepType: step.type };
  let author = model;
  // A merge step: the merge is started (conflict markers in the files) before the model edits.
  const merge = await prepareMerge(ctx, step);
  const pending = ctx.recorder.view.pendingFeedback;
  let feedback =
    merge === undefined
      ? pending
      : `${merge.instructions}${pending === undefined ? "" : `\n\n${pending}`}`;
  // Text mode: an answer whose edits do not apply is returned to the model once.
  const rounds = mode === "text" ? 2 : 1;
  let lastError = "";
  for (let round = 1; round <= rounds; round++) {
    const prompt = await implementerPrompt(ctx, step, mode, feedback);
    const call = await callModel(
      ctx,
      author,
      {
        ...prompt,
        role: "implementer",
        taskId: ctx.task.id,
        stepId: step.id,
        attempt,
        ...(round > 1 ? { repair: true } : {}),
        mode,
        cwd: ctx.workspace.worktree,
        signal: ctx.signal,
      },
      situation,
    );
    if (!call.ok) return call;
    // A fallback may have answered; the edit repair goes to the model that wrote the edits.
    author = call.spec;
    if (mode === "agent") {
      const markers = merge && (await unresolvedMarkers(ctx, merge.files));
      if (markers) return { ok: false, error: markers };
      return { ok: true, summary: call.response.text.trim().slice(0, 2000) };
    }
    const invalid = invalidTextError(call.response.text);
    const applied =
      invalid === undefined
        ? await applyEditAnswer(ctx.workspace.worktree, call.response.text)
        : { ok: false as const, error: invalid };
    if (applied.ok) {
      const markers = merge && (await unresolvedMarkers(ctx, merge.files));
      if (markers) return { ok: false, error: markers };
      return { ok: true, summary: applied.summary };
    }
    lastError = applied.error;
    feedback = `Your previous answer could not be applied; nothing from it was written:\n${applied.error}`;
  }
  return { ok: false, error: lastError };
}

/** Why the last attempt of a step failed: its implementation error, review or gate. */
function lastFailure(ctx: RunContext, stepId: string): string {
  const impl = ctx.recorder.findSinceStepStart(stepId, "implementation.recorded");
  if (impl && !impl.ok) return impl.error ?? "implementation failed";
  return ctx.recorder.view.pendingFeedback?.split("\n")[0] ?? "review or gate failed";
}

/** IMPLEMENTING: one attempt at the current step, or escalation when attempts are used up. */
export async function handleImplementing(ctx: RunContext): Promise<void> {
  const { recorder } = ctx;
  const step = currentStep(ctx);
  const started = recorder.findSinceStateEntry("step.attempt", (b) => b.stepId === step.id);
  const result =
    started &&
    recorder.findSinceStateEntry(
      "implementation.recorded",
      (b) => b.stepId === step.id && b.attempt === started.attempt,
    );
  if (result?.ok) {
    await recorder.transition({ type: "IMPLEMENTATION_READY", stepId: step.id });
    return;
  }
  let attempt: number;
  let model: ModelSpec;
  if (started && !result) {
    // Crashed in the middle of this attempt: start it again from where it started.
    attempt = started.attempt;
    // The attempt's implementer, or the fallback that stood in for it before the crash.
    model =
      modelNamed(ctx, recorder.view.lastImplementer ?? started.implementer) ??
      chooseImplementer(ctx, step).model;
    await restoreAttemptStart(ctx, step.id);
  } else {
    const state = recorder.view.steps.find((s) => s.id === step.id);
    const used = state?.attempts ?? 0;
    if (used >= ctx.deps.config.quality.maxAttempts) {
      const merging = step.type === MERGE_STEP_TYPE;
      await recorder.transition({
        type: "ESCALATE",
        reason: merging ? "merge_conflict" : "implementation_failed",
        detail: merging
          ? `${step.id}: the merge conflict in ${step.files_to_modify.join(", ")} was not resolved after ${used} attempts: ${lastFailure(ctx, step.id)}`
          : `${step.id}: no usable implementation after ${used} attempts: ${result?.error ?? ""}`,
      });
      return;
    }
    attempt = (state?.currentAttempt ?? 0) + 1;
    // A retry within the step (not after a human's decision) may climb the escalation ladder.
    const previous = used > 0 ? modelNamed(ctx, recorder.view.lastImplementer ?? "") : undefined;
    const decision = chooseImplementer(ctx, step, attempt, previous);
    model = decision.model;
    await recorder.recordAll([
      {
        type: "routing.decision",
        role: "implementer",
        model: model.name,
        stepId: step.id,
        reason: `${step.id} -> ${decision.reason}`,
      },
      {
        type: "step.attempt",
        stepId: step.id,
        attempt,
        implementer: model.name,
        ...(recorder.view.pendingFeedback === undefined
          ? {}
          : { feedback: recorder.view.pendingFeedback }),
      },
    ]);
  }
  const outcome = await implementOnce(ctx, step, attempt, model);
  const { patch, files } = await ctx.deps.workspace.changes(ctx.workspace.worktree);
  const recorded: EventBody = {
    type: "implementation.recorded",
    stepId: step.id,
    attempt,
    ok: outcome.ok,
    filesChanged: files,
    diff: patch,
    diffHash: diffHash(patch),
    summary: outcome.ok ? outcome.summary : "",
    ...(outcome.ok ? {} : { error: outcome.error }),
  };
  if (outcome.ok) {
    await recorder.transition({ type: "IMPLEMENTATION_READY", stepId: step.id }, [recorded]);
    return;
  }
  await recorder.record(recorded);
  await restoreAttemptStart(ctx, step.id);
  // The provider failed after its retries and fallbacks: another attempt would not help.
  if (outcome.kind !== undefined) {
    await recorder.transition({
      type: "ESCALATE",
      reason: "model_error",
      detail: `implementer: ${outcome.error}`,
    });
  }
}
