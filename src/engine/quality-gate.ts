import { join } from "node:path";
import type { GateCheckResult } from "../core/events.js";
import { currentStep } from "./implementing.js";
import type { RunContext } from "./step-context.js";

/** QUALITY_GATE: deterministic checks in the worktree; failures go back to the implementer. */
export async function handleQualityGate(ctx: RunContext): Promise<void> {
  const { recorder, task } = ctx;
  const step = currentStep(ctx);
  const stepState = recorder.view.steps.find((s) => s.id === step.id);
  const attempt = stepState?.currentAttempt ?? 1;
  const used = stepState?.attempts ?? 1;
  let result: { passed: boolean; checks: readonly GateCheckResult[] } | undefined =
    recorder.findSinceStateEntry(
      "gate.finished",
      (b) => b.stepId === step.id && b.attempt === attempt,
    );
  if (!result) {
    const level = task.qualityLevel ?? ctx.deps.config.quality.defaultLevel;
    const outcome = await ctx.deps.gate({
      cwd: ctx.workspace.worktree,
      level,
      logDir: join(ctx.runDir, "gate", `${step.id}-attempt-${attempt}`),
      signal: ctx.signal,
    });
    await recorder.record({
      type: "gate.finished",
      stepId: step.id,
      attempt,
      level,
      passed: outcome.passed,
      checks: outcome.checks,
      feedback: outcome.feedback,
    });
    result = outcome;
  }
  if (result.passed) {
    await recorder.transition({ type: "GATE_PASSED", stepId: step.id });
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
