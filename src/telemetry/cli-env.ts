import type { Env, TelemetryConfig } from "./config.js";
import type { TraceContext } from "./types.js";

/** The OTLP base URL (without `/v1/<signal>`) for CLIs that append the path themselves. */
function baseEndpoint(env: Env, config: TelemetryConfig): string | undefined {
  const generic = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  if (generic) return generic;
  const url = config.traces?.url ?? config.metrics?.url;
  return url?.replace(/\/v1\/(traces|metrics)\/?$/, "");
}

/**
 * Environment for a coding-agent CLI so that its own telemetry joins ours: `TRACEPARENT` (the
 * W3C variable Claude Code reads in `-p` mode to parent its spans) plus the switches each CLI
 * needs to export at all. The CLI inherits the `OTEL_*` endpoint and headers from the parent
 * environment. Variables the user already set are left alone.
 */
export function cliTelemetryEnv(input: {
  readonly providerKind: string;
  readonly trace: TraceContext | undefined;
  readonly env: Env;
  readonly config: TelemetryConfig;
}): Record<string, string> {
  const { env, config } = input;
  const out: Record<string, string> = {};
  const set = (name: string, value: string | undefined): void => {
    if (value !== undefined && (env[name] ?? "") === "") out[name] = value;
  };
  if (input.trace) out.TRACEPARENT = input.trace.traceparent;
  switch (input.providerKind) {
    case "claude-cli":
      set("CLAUDE_CODE_ENABLE_TELEMETRY", "1");
      set("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json");
      if (config.traces) {
        set("CLAUDE_CODE_ENHANCED_TELEMETRY_BETA", "1");
        set("OTEL_TRACES_EXPORTER", "otlp");
        set("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", config.traces.url);
      }
      if (config.metrics) {
        set("OTEL_METRICS_EXPORTER", "otlp");
        set("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", config.metrics.url);
      }
      if (config.captureContent) set("OTEL_LOG_USER_PROMPTS", "1");
      break;
    case "gemini-cli":
      set("GEMINI_TELEMETRY_ENABLED", "true");
      set("GEMINI_TELEMETRY_TARGET", "local");
      set("GEMINI_TELEMETRY_OTLP_PROTOCOL", "http");
      set("GEMINI_TELEMETRY_OTLP_ENDPOINT", baseEndpoint(env, config));
      set("GEMINI_TELEMETRY_LOG_PROMPTS", config.captureContent ? "true" : "false");
      break;
    default:
      // Codex reads its telemetry settings only from its config.toml ([otel]); nothing to set.
      break;
  }
  return out;
}
