import { join } from "node:path";
import type { EventBody, GateCheckResult } from "../core/events.js";
import { currentStep } from "./implementing.js";
import type { RunContext } from "./step-context.js";

/**
 * QUALITY_GATE: deterministic checks in the worktree, compared with the baseline of the task's
 * base commit; failures go back to the implementer, a breaking change goes to a human.
 */
export async function handleQualityGate(ctx: RunContext): Promise<void> {
  const { recorder, task } = ctx;
  const step = currentStep(ctx);
  const stepState = recorder.view.steps.find((s) => s.id === step.id);
  const attempt = stepState?.currentAttempt ?? 1;
  const used = stepState?.attempts ?? 1;
  let result:
    | { passed: boolean; checks: readonly GateCheckResult[]; breaking?: boolean | undefined }
    | undefined = recorder.findSinceStateEntry(
    "gate.finished",
    (b) => b.stepId === step.id && b.attempt === attempt,
  );
  // A new verdict is recorded with the transition it leads to, in one transaction.
  const results: EventBody[] = [];
  if (!result) {
    const quality = ctx.deps.config.quality;
    const level = task.qualityLevel ?? quality.defaultLevel;
    const steps = recorder.view.plan?.steps ?? [];
    const isFinal = steps.at(-1)?.id === step.id;
    const outcome = await ctx.deps.gate({
      cwd: ctx.workspace.worktree,
      level,
      logDir: join(ctx.runDir, "gate", `${step.id}-attempt-${attempt}`),
      signal: ctx.signal,
      baseSha: ctx.workspace.baseSha,
      choose: {
        override: task.qualityLevel,
        defaultLevel: quality.defaultLevel,
        taskRisk: task.risk,
        stepRisk: step.risk,
        isFinal,
      },
      constraints: task.constraints,
      onBaseline: async (baseline) => {
        await recorder.record({ type: "gate.baseline", ...baseline });
      },
    });
    results.push({
      type: "gate.finished",
      stepId: step.id,
      attempt,
      level: outcome.level ?? level,
      passed: outcome.passed,
      checks: outcome.checks,
      feedback: outcome.feedback,
      ...(outcome.levelReason === undefined ? {} : { levelReason: outcome.levelReason }),
      ...(outcome.breaking === true ? { breaking: true } : {}),
      baseSha: ctx.workspace.baseSha,
    });
    result = outcome;
  }
  if (result.passed) {
    await recorder.transition({ type: "GATE_PASSED", stepId: step.id }, results);
  } else if (result.breaking === true) {
    const failed = result.checks.filter((c) => !c.passed).map((c) => c.name);
    await recorder.transition(
      {
        type: "ESCALATE",
        reason: "breaking_change",
        detail: `${step.id}: breaking-change check failed (${failed.join(", ")}); a human must accept or reject the break`,
      },
      results,
    );
  } else if (used >= ctx.deps.config.quality.maxAttempts) {
    const failed = result.checks.filter((c) => !c.passed).map((c) => c.name);
    await recorder.transition(
      {
        type: "ESCALATE",
        reason: "gate_failed",
        detail: `${step.id}: quality gate failed ${used} times (${failed.join(", ")})`,
      },
      results,
    );
  } else {
    await recorder.transition({ type: "GATE_FAILED", stepId: step.id }, results);
  }
}

/** A baseline being built in the background for a task's run; `stop` ends it. */
export interface BaselinePrewarmHandle {
  /** Aborts the prewarm if it still runs, and waits until its processes and worktree are gone. */
  stop(): Promise<void>;
}

/**
 * Starts the gate's `prepare` (the baseline of the task's base, docs/GATE.md) without waiting
 * for it, so it runs while the task plans. Not started when a gate of the task already recorded
 * its baseline (a resume after it). Its failure is only noted: the first gate runs the baseline
 * itself and reports the real error. It is aborted when the run's signal fires or `stop` is
 * called.
 */
export function startBaselinePrewarm(ctx: RunContext): BaselinePrewarmHandle | undefined {
  const prepare = ctx.deps.gate.prepare;
  if (prepare === undefined) return undefined;
  if (ctx.recorder.events.some((e) => e.body.type === "gate.baseline")) return undefined;
  const controller = new AbortController();
  const onAbort = (): void => {
    controller.abort(ctx.signal.reason);
  };
  if (ctx.signal.aborted) onAbort();
  else ctx.signal.addEventListener("abort", onAbort, { once: true });
  const run = async (): Promise<void> => {
    try {
      await prepare({
        cwd: ctx.workspace.worktree,
        baseSha: ctx.workspace.baseSha,
        logDir: join(ctx.runDir, "gate", "baseline"),
        signal: controller.signal,
      });
    } catch (error) {
      if (controller.signal.aborted) return;
      const message = error instanceof Error ? error.message : String(error);
      await ctx.recorder
        .record({
          type: "note",
          level: "warn",
          message: `baseline of ${ctx.workspace.baseSha.slice(0, 12)} could not be prepared at task start (the first gate runs it again): ${message}`,
        })
        .catch(() => undefined);
    }
  };
  const done = run();
  return {
    stop: async () => {
      controller.abort(new Error("the task's run ended"));
      ctx.signal.removeEventListener("abort", onAbort);
      await done;
    },
  };
}
