import type { StoredEvent } from "../core/events.js";
import type { TaskView } from "../core/projection.js";
import { cliTelemetryEnv } from "./cli-env.js";
import type { TelemetryConfig } from "./config.js";
import { MetricProjector } from "./metric-projector.js";
import { createSdk } from "./sdk.js";
import { SpanProjector } from "./span-projector.js";
import { TaskBook } from "./task-book.js";
import type { Telemetry, TelemetryOptions } from "./types.js";

/** Extra time `shutdown()` grants the SDK past the export timeout before giving up on it. */
const SHUTDOWN_GRACE_MS = 250;

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Resolves after `ms` without keeping the process alive; `cancel` clears the timer. */
function delay(ms: number): { done: Promise<void>; cancel: () => void } {
  let timer: NodeJS.Timeout | undefined;
  const done = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
    timer.unref();
  });
  return {
    done,
    cancel: () => {
      clearTimeout(timer);
    },
  };
}

/**
 * The enabled implementation: the SDK plus the two projections of the event stream. Loaded
 * only when an endpoint is configured, so a run without telemetry never loads the SDK.
 */
export function createSdkTelemetry(
  config: TelemetryConfig,
  options: TelemetryOptions,
  now: () => number = Date.now,
): Telemetry {
  const warn = options.warn ?? (() => undefined);
  const sdk = createSdk(config, warn);
  const book = new TaskBook(options.describeTask);
  const spans = sdk.tracer && new SpanProjector(sdk.tracer, book, config.captureContent);
  const metrics = sdk.meter && new MetricProjector(sdk.meter, book);
  /** Set by shutdown(): from then on every method is a no-op. */
  let closing: Promise<void> | undefined;
  let complained = false;

  // Telemetry must never break a run: a bug here is reported once and otherwise ignored.
  const guard = (what: string, work: () => void): void => {
    if (closing) return;
    try {
      work();
    } catch (error) {
      if (complained) return;
      complained = true;
      warn(`telemetry: ${what} failed: ${message(error)} (further errors not shown)`);
    }
  };

  // Spans still open (no endRun, e.g. `review`) end as interrupted; then the SDK gets the export
  // timeout plus a little grace, and is abandoned if it takes longer.
  const shutdown = async (): Promise<void> => {
    guard("closing spans", () => spans?.endRun("interrupted", now()));
    const timeout = delay(config.shutdownTimeoutMs + SHUTDOWN_GRACE_MS);
    try {
      await Promise.race([sdk.shutdown(), timeout.done]);
    } finally {
      timeout.cancel();
    }
  };

  return {
    enabled: true,
    startRun: (command, runId) => {
      guard("startRun", () => spans?.startRun(command, runId, now()));
    },
    endRun: (status) => {
      guard("endRun", () => spans?.endRun(status, now()));
    },
    listener: (event: StoredEvent, view: TaskView) => {
      guard(`event ${event.body.type}`, () => {
        book.note(event);
        spans?.onEvent(event, view);
        metrics?.onEvent(event, view);
      });
    },
    traceContext: (taskId) => (closing ? undefined : spans?.traceContext(taskId)),
    childEnv: (taskId, providerKind) =>
      cliTelemetryEnv({
        providerKind,
        trace: closing ? undefined : spans?.traceContext(taskId),
        env: options.env,
        config,
      }),
    shutdown: () => (closing ??= shutdown()),
  };
}
