import type { StoredEvent } from "../../src/core/events.js";
import type { TaskOutcome } from "../../src/engine/engine.js";
import type { GatePort } from "../../src/core/gate-port.js";
import type { Script } from "../../src/providers/scripted-provider.js";
import { createTelemetry } from "../../src/telemetry/index.js";
import type { Env, Telemetry, TraceContext } from "../../src/telemetry/index.js";
import { createHarness } from "../support/engine-harness.js";

/** What the observer saw while a task ran with telemetry. */
export interface TelemetryRun {
  readonly telemetry: Telemetry;
  readonly outcome: TaskOutcome;
  readonly events: StoredEvent[];
  readonly warnings: string[];
  /** `traceContext(task)` and `childEnv(task, "claude-cli")` taken at each model call event. */
  readonly contexts: {
    event: StoredEvent;
    trace: TraceContext | undefined;
    env: Record<string, string>;
  }[];
  /** Milliseconds the run took, and then `shutdown()`. */
  readonly runMs: number;
  readonly shutdownMs: number;
}

/** A gate that fails the listed `<step>-attempt-<n>` runs: lint passes, test fails. */
export function gateFailing(failures: readonly string[]): GatePort {
  return (input) => {
    const key = input.logDir.split("/").at(-1) ?? "";
    const failed = failures.includes(key);
    const check = (name: string, passed: boolean, durationMs: number) => ({
      name,
      passed,
      exitCode: passed ? 0 : 1,
      timedOut: false,
      durationMs,
      summary: passed ? "" : "FAIL test/greet.test.js > greets by name",
    });
    return Promise.resolve({
      passed: !failed,
      checks: [check("lint", true, 40), check("test", !failed, 60)],
      feedback: failed ? "Check test failed:\nFAIL test/greet.test.js > greets by name" : "",
    });
  };
}

/**
 * Runs task T-1 of the engine harness (real git, scripted models) inside a telemetry run
 * `R-1`, then shuts telemetry down, timing both.
 */
export async function runWithTelemetry(options: {
  readonly env: Env;
  readonly script: Script;
  readonly gate?: GatePort;
  readonly captureContent?: boolean;
}): Promise<TelemetryRun> {
  const warnings: string[] = [];
  const telemetry = await createTelemetry({
    env: options.env,
    serviceVersion: "9.9.9-test",
    ...(options.captureContent === undefined ? {} : { captureContent: options.captureContent }),
    warn: (m) => warnings.push(m),
  });
  const contexts: TelemetryRun["contexts"] = [];
  const harness = await createHarness({
    script: options.script,
    ...(options.gate ? { gate: options.gate } : {}),
    listener: (event, view) => {
      telemetry.listener(event, view);
      if (event.body.type === "model.call") {
        contexts.push({
          event,
          trace: telemetry.traceContext(event.taskId),
          env: telemetry.childEnv(event.taskId, "claude-cli"),
        });
      }
    },
  });
  try {
    const started = performance.now();
    telemetry.startRun("run --task T-1", "R-1");
    const outcome = await harness.run();
    telemetry.endRun("finished");
    const ran = performance.now();
    await telemetry.shutdown();
    const shutdownMs = performance.now() - ran;
    return {
      telemetry,
      outcome,
      events: await harness.store.events(harness.task.id),
      warnings,
      contexts,
      runMs: ran - started,
      shutdownMs,
    };
  } finally {
    await harness.repo.cleanup();
  }
}
