import { describe, expect, it } from "vitest";
import { cliTelemetryEnv } from "./cli-env.js";
import { readTelemetryConfig } from "./config.js";
import type { Env } from "./config.js";

const TRACE = {
  traceId: "0af7651916cd43dd8448eb211c80319c",
  spanId: "b7ad6b7169203331",
  traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
};

function envFor(providerKind: string, env: Env, capture = false) {
  const result = readTelemetryConfig(env, { serviceVersion: "1", captureContent: capture });
  if (!result.enabled) throw new Error("expected telemetry on");
  return cliTelemetryEnv({ providerKind, trace: TRACE, env, config: result.config });
}

describe("cliTelemetryEnv", () => {
  const env = { OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318" };

  it("turns on Claude Code's traces and metrics under our trace", () => {
    expect(envFor("claude-cli", env)).toEqual({
      TRACEPARENT: TRACE.traceparent,
      CLAUDE_CODE_ENABLE_TELEMETRY: "1",
      CLAUDE_CODE_ENHANCED_TELEMETRY_BETA: "1",
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
      OTEL_TRACES_EXPORTER: "otlp",
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://collector:4318/v1/traces",
      OTEL_METRICS_EXPORTER: "otlp",
      OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: "http://collector:4318/v1/metrics",
    });
  });

  it("does not override what the user set, and passes prompts only when content is captured", () => {
    const out = envFor("claude-cli", { ...env, OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" }, true);
    expect(out.OTEL_EXPORTER_OTLP_PROTOCOL).toBeUndefined();
    expect(out.OTEL_LOG_USER_PROMPTS).toBe("1");
  });

  it("points Gemini CLI at the base endpoint, also when only a traces URL is configured", () => {
    expect(envFor("gemini-cli", env)).toMatchObject({
      GEMINI_TELEMETRY_ENABLED: "true",
      GEMINI_TELEMETRY_OTLP_PROTOCOL: "http",
      GEMINI_TELEMETRY_OTLP_ENDPOINT: "http://collector:4318",
      GEMINI_TELEMETRY_LOG_PROMPTS: "false",
    });
    const tracesOnly = { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://t:4318/v1/traces" };
    expect(envFor("gemini-cli", tracesOnly).GEMINI_TELEMETRY_OTLP_ENDPOINT).toBe("http://t:4318");
  });

  it("gives other providers only the trace context", () => {
    expect(envFor("codex-cli", env)).toEqual({ TRACEPARENT: TRACE.traceparent });
  });
});
