import type { EventListener } from "../core/event-listener.js";
import type { Env } from "./config.js";

/** The W3C trace context of a span, for log lines and child processes. */
export interface TraceContext {
  readonly traceId: string;
  readonly spanId: string;
  /** `00-<traceId>-<spanId>-<flags>`, the value of the `traceparent` header / `TRACEPARENT`. */
  readonly traceparent: string;
}

/** What telemetry knows of a task beyond its events (for tasks resumed in a later process). */
export interface TaskInfo {
  readonly area: string;
  readonly risk: string;
}

export interface TelemetryOptions {
  /** Where `OTEL_*` variables are read from (normally `process.env`). */
  readonly env: Env;
  /** Reported as `service.version`. */
  readonly serviceVersion: string;
  /** Overrides `ORCHESTRATOR_OTEL_CAPTURE_CONTENT`: put prompt and response text on spans. */
  readonly captureContent?: boolean;
  /**
   * Area and risk of a task whose `task.registered` event was recorded by an earlier process
   * (a resumed task); without it such tasks are labelled `unknown`.
   */
  readonly describeTask?: (taskId: string) => TaskInfo | undefined;
  /**
   * Receives configuration problems and the FIRST export failure of each signal (later ones are
   * dropped). Default: ignore them; telemetry never interrupts or fails a run.
   */
  readonly warn?: (message: string) => void;
}

/**
 * Traces and metrics projected from the engine's event stream. Every method is safe to call
 * when telemetry is disabled (then all of them do nothing) and none of them throws.
 */
export interface Telemetry {
  /** False when no OTLP endpoint is configured or `OTEL_SDK_DISABLED=true`. */
  readonly enabled: boolean;
  /** Opens the root span `orchestrator.run`; task spans opened later become its children. */
  startRun(command: string, runId: string): void;
  /** Closes spans still open (their tasks were interrupted) and the root span. */
  endRun(status: string): void;
  /** Hand this to the engine: every recorded event opens, annotates or closes spans. */
  readonly listener: EventListener;
  /**
   * The innermost open span of a task (step, plan phase, task), else the run's root span; with
   * no task id, the root span. Undefined when disabled or nothing is open.
   */
  traceContext(taskId?: string): TraceContext | undefined;
  /**
   * Extra environment for a coding-agent CLI run for `taskId`: `TRACEPARENT` so its spans join
   * ours, and the CLI's own telemetry switches for `providerKind` (`claude-cli`, `gemini-cli`).
   * Variables already set in the options' env are not overridden. Empty when disabled.
   */
  childEnv(taskId: string, providerKind: string): Record<string, string>;
  /**
   * Closes what is open, flushes and shuts the exporters down. Resolves within the export
   * timeout (plus a little) even when the collector hangs; never rejects; idempotent.
   */
  shutdown(): Promise<void>;
}
