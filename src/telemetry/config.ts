/** Environment variables, as a plain record so tests can pass their own. */
export type Env = Readonly<Record<string, string | undefined>>;

/** Where and how one signal (traces or metrics) is exported. */
export interface SignalConfig {
  /** Full URL of the OTLP/HTTP endpoint, e.g. `http://localhost:4318/v1/traces`. */
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
}

/** Everything the SDK needs, read once from the environment. */
export interface TelemetryConfig {
  readonly traces?: SignalConfig;
  readonly metrics?: SignalConfig;
  readonly serviceName: string;
  readonly serviceVersion: string;
  /** From `OTEL_RESOURCE_ATTRIBUTES`, service name and version excluded. */
  readonly resourceAttributes: Readonly<Record<string, string>>;
  /** Put prompt and response text on model-call spans. */
  readonly captureContent: boolean;
  /** How long `shutdown()` may take in all; also each export's own timeout. */
  readonly shutdownTimeoutMs: number;
  readonly metricIntervalMs: number;
  readonly temporality: "cumulative" | "delta" | "lowmemory";
}

/** The configuration, or why there is none (telemetry disabled), plus problems found. */
export type ConfigResult =
  | { readonly enabled: true; readonly config: TelemetryConfig; readonly warnings: string[] }
  | { readonly enabled: false; readonly warnings: string[] };

export const DEFAULT_SERVICE_NAME = "orchestrator";
export const DEFAULT_TIMEOUT_MS = 5_000;
const DEFAULT_METRIC_INTERVAL_MS = 60_000;

function value(env: Env, name: string): string | undefined {
  const v = env[name]?.trim();
  return v === undefined || v === "" ? undefined : v;
}

function isTrue(env: Env, name: string): boolean {
  return value(env, name)?.toLowerCase() === "true";
}

function positiveNumber(env: Env, name: string, warnings: string[]): number | undefined {
  const raw = value(env, name);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (Number.isFinite(n) && n > 0) return n;
  warnings.push(`${name}=${raw} is not a positive number of milliseconds; ignored`);
  return undefined;
}

/**
 * Parses the W3C-baggage-like `key=value,key2=value2` lists of `OTEL_EXPORTER_OTLP_HEADERS` and
 * `OTEL_RESOURCE_ATTRIBUTES`. Values are percent-decoded; only the first `=` splits, so base64
 * padding survives.
 */
export function parseKeyValueList(raw: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (raw === undefined) return out;
  for (const part of raw.split(",")) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    const key = part.slice(0, eq).trim();
    const text = part.slice(eq + 1).trim();
    if (key === "") continue;
    try {
      out[key] = decodeURIComponent(text);
    } catch {
      out[key] = text;
    }
  }
  return out;
}

function validUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === "http:" || parsed.protocol === "https:";
  } catch {
    return false;
  }
}

/** The signal's URL: its own endpoint verbatim, or the generic one plus `v1/<signal>`. */
function signalUrl(env: Env, signal: "TRACES" | "METRICS", warnings: string[]): string | undefined {
  const specificName = `OTEL_EXPORTER_OTLP_${signal}_ENDPOINT`;
  const specific = value(env, specificName);
  if (specific !== undefined) {
    if (validUrl(specific)) return specific;
    warnings.push(`${specificName}=${specific} is not an http(s) URL; ${signal.toLowerCase()} off`);
    return undefined;
  }
  const generic = value(env, "OTEL_EXPORTER_OTLP_ENDPOINT");
  if (generic === undefined) return undefined;
  const url = `${generic.endsWith("/") ? generic : `${generic}/`}v1/${signal.toLowerCase()}`;
  if (validUrl(url)) return url;
  warnings.push(`OTEL_EXPORTER_OTLP_ENDPOINT=${generic} is not an http(s) URL; telemetry off`);
  return undefined;
}

function signalConfig(
  env: Env,
  signal: "TRACES" | "METRICS",
  warnings: string[],
): SignalConfig | undefined {
  const exporter = value(env, `OTEL_${signal}_EXPORTER`)?.toLowerCase();
  if (exporter === "none") return undefined;
  const url = signalUrl(env, signal, warnings);
  if (url === undefined) return undefined;
  return {
    url,
    headers: {
      ...parseKeyValueList(value(env, "OTEL_EXPORTER_OTLP_HEADERS")),
      ...parseKeyValueList(value(env, `OTEL_EXPORTER_OTLP_${signal}_HEADERS`)),
    },
    timeoutMs:
      positiveNumber(env, `OTEL_EXPORTER_OTLP_${signal}_TIMEOUT`, warnings) ??
      positiveNumber(env, "OTEL_EXPORTER_OTLP_TIMEOUT", warnings) ??
      DEFAULT_TIMEOUT_MS,
  };
}

function temporalityOf(env: Env): TelemetryConfig["temporality"] {
  const raw = value(env, "OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE")?.toLowerCase();
  return raw === "delta" || raw === "lowmemory" ? raw : "cumulative";
}

/**
 * Reads the standard `OTEL_*` variables (and `ORCHESTRATOR_OTEL_CAPTURE_CONTENT`). Telemetry is
 * on only when an OTLP endpoint is set and `OTEL_SDK_DISABLED` is not `true`.
 */
export function readTelemetryConfig(
  env: Env,
  options: { serviceVersion: string; captureContent?: boolean | undefined },
): ConfigResult {
  const warnings: string[] = [];
  if (isTrue(env, "OTEL_SDK_DISABLED")) return { enabled: false, warnings };
  const traces = signalConfig(env, "TRACES", warnings);
  const metrics = signalConfig(env, "METRICS", warnings);
  if (!traces && !metrics) return { enabled: false, warnings: [...new Set(warnings)] };
  for (const name of ["OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"]) {
    const protocol = value(env, name);
    if (protocol !== undefined && protocol !== "http/json") {
      warnings.push(`${name}=${protocol}: the orchestrator always sends OTLP/HTTP with JSON`);
    }
  }
  const resource = parseKeyValueList(value(env, "OTEL_RESOURCE_ATTRIBUTES"));
  const serviceName = value(env, "OTEL_SERVICE_NAME") ?? resource["service.name"];
  delete resource["service.name"];
  delete resource["service.version"];
  const timeouts = [traces?.timeoutMs, metrics?.timeoutMs].filter((t) => t !== undefined);
  const shutdownTimeoutMs = Math.max(...timeouts);
  const interval = positiveNumber(env, "OTEL_METRIC_EXPORT_INTERVAL", warnings);
  return {
    enabled: true,
    warnings: [...new Set(warnings)],
    config: {
      ...(traces ? { traces } : {}),
      ...(metrics ? { metrics } : {}),
      serviceName: serviceName ?? DEFAULT_SERVICE_NAME,
      serviceVersion: options.serviceVersion,
      resourceAttributes: resource,
      captureContent:
        options.captureContent ??
        (isTrue(env, "ORCHESTRATOR_OTEL_CAPTURE_CONTENT") ||
          isTrue(env, "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT")),
      shutdownTimeoutMs,
      // The SDK refuses an export timeout longer than the interval.
      metricIntervalMs: Math.max(interval ?? DEFAULT_METRIC_INTERVAL_MS, shutdownTimeoutMs),
      temporality: temporalityOf(env),
    },
  };
}
