import { readTelemetryConfig } from "./config.js";
import type { Telemetry, TelemetryOptions } from "./types.js";

export type { Telemetry, TelemetryOptions, TraceContext, TaskInfo } from "./types.js";
export { readTelemetryConfig } from "./config.js";
export type { Env, TelemetryConfig } from "./config.js";

/** Telemetry that does nothing: no endpoint configured, or `OTEL_SDK_DISABLED=true`. */
export const disabledTelemetry: Telemetry = Object.freeze({
  enabled: false,
  startRun: () => undefined,
  endRun: () => undefined,
  listener: () => undefined,
  traceContext: () => undefined,
  childEnv: () => ({}),
  shutdown: () => Promise.resolve(),
});

/**
 * Traces and metrics of the orchestrator, exported over OTLP/HTTP (JSON) when the standard
 * `OTEL_EXPORTER_OTLP_*ENDPOINT` variables say where. Asynchronous because the OpenTelemetry
 * SDK (about 0.2 s to load) is imported only when telemetry is on: without an endpoint this
 * costs nothing. Configuration problems go to `options.warn`.
 */
export async function createTelemetry(options: TelemetryOptions): Promise<Telemetry> {
  const result = readTelemetryConfig(options.env, {
    serviceVersion: options.serviceVersion,
    captureContent: options.captureContent,
  });
  for (const warning of result.warnings) options.warn?.(`telemetry: ${warning}`);
  if (!result.enabled) return disabledTelemetry;
  const { createSdkTelemetry } = await import("./sdk-telemetry.js");
  return createSdkTelemetry(result.config, options);
}
