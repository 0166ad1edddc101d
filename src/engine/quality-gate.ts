import { join } from "node:path";
import type { GateCheckResult } from "../core/events.js";
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
    await recorder.record({
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
    await recorder.transition({ type: "GATE_PASSED", stepId: step.id });
  } else if (result.breaking === true) {
    const failed = result.checks.filter((c) => !c.passed).map((c) => c.name);
    await recorder.transition({
      type: "ESCALATE",
      reason: "breaking_change",
      detail: `${step.id}: breaking-change check failed (${failed.join(", ")}); a human must accept or reject the break`,
    });
  } else if (used >= ctx.deps.config.quality.maxAttempts) {
    const failed = result.checks.filter((c) => !c.passed).map((c) => c.name);
    await recorder.transition({
      type: "ESCALATE",
      reason: "gate_failed",
      detail: `${step.id}: quality gate failed ${used} times (${failed.join(", ")})`,
    });
  } else {
    await recorder.transition({ type: "GATE_FAILED", stepId: step.id });
  }
}
