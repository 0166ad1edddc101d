import type { ProcessRunner } from "../core/ports.js";
import type { QualityConfig } from "../core/project-config.js";
import { runGate } from "../gate/index.js";
import type { GatePort } from "./ports.js";

/** The engine's gate: the configured checks run for real in the task's worktree. */
export function createGatePort(runner: ProcessRunner, quality: QualityConfig): GatePort {
  return async ({ cwd, level, logDir, signal }) => {
    const result = await runGate({ cwd, quality, level, runner, logDir, signal });
    return { passed: result.passed, checks: result.checks, feedback: result.feedback };
  };
}
