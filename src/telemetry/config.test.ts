import { describe, expect, it } from "vitest";
import { parseKeyValueList, readTelemetryConfig } from "./config.js";
import type { Env } from "./config.js";
import { createTelemetry, disabledTelemetry } from "./index.js";

const read = (env: Env, captureContent?: boolean) =>
  readTelemetryConfig(env, { serviceVersion: "1.0.0", captureContent });

function enabled(env: Env, captureContent?: boolean) {
  const result = read(env, captureContent);
  if (!result.enabled) throw new Error(`expected telemetry on: ${result.warnings.join("; ")}`);
  return result;
}

describe("readTelemetryConfig", () => {
  it("is off without an endpoint, and when OTEL_SDK_DISABLED=true", () => {
    expect(read({}).enabled).toBe(false);
    expect(read({ OTEL_EXPORTER_OTLP_ENDPOINT: "" }).enabled).toBe(false);
    expect(
      read({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318", OTEL_SDK_DISABLED: "TRUE" }).enabled,
    ).toBe(false);
  });

  it("derives both signal URLs from the generic endpoint, with or without a trailing slash", () => {
    for (const base of ["http://collector:4318", "http://collector:4318/"]) {
      const { config } = enabled({ OTEL_EXPORTER_OTLP_ENDPOINT: base });
      expect(config.traces?.url).toBe("http://collector:4318/v1/traces");
      expect(config.metrics?.url).toBe("http://collector:4318/v1/metrics");
    }
    const { config } = enabled({ OTEL_EXPORTER_OTLP_ENDPOINT: "https://x.io/api/public/otel" });
    expect(config.traces?.url).toBe("https://x.io/api/public/otel/v1/traces");
  });

  it("uses a signal's own endpoint verbatim and can turn one signal off", () => {
    const traces = "https://cloud.langfuse.com/api/public/otel/v1/traces";
    const { config } = enabled({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: traces });
    expect(config.traces?.url).toBe(traces);
    expect(config.metrics).toBeUndefined();
    const off = enabled({
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318",
      OTEL_METRICS_EXPORTER: "none",
    });
    expect(off.config.metrics).toBeUndefined();
    expect(off.config.traces).toBeDefined();
  });

  it("merges generic and per-signal headers, percent-decoded, keeping base64 padding", () => {
    const { config } = enabled({
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318",
      OTEL_EXPORTER_OTLP_HEADERS: "Authorization=Basic%20cGs6c2s=,x-a=1",
      OTEL_EXPORTER_OTLP_METRICS_HEADERS: "x-a=2",
    });
    expect(config.traces?.headers).toEqual({ Authorization: "Basic cGs6c2s=", "x-a": "1" });
    expect(config.metrics?.headers).toEqual({ Authorization: "Basic cGs6c2s=", "x-a": "2" });
  });

  it("takes the timeout from OTEL_EXPORTER_OTLP_TIMEOUT (default 5 s) and warns on nonsense", () => {
    expect(enabled({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://c" }).config.shutdownTimeoutMs).toBe(
      5000,
    );
    const set = enabled({
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://c",
      OTEL_EXPORTER_OTLP_TIMEOUT: "800",
    });
    expect(set.config.traces?.timeoutMs).toBe(800);
    expect(set.config.shutdownTimeoutMs).toBe(800);
    const bad = enabled({
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://c",
      OTEL_EXPORTER_OTLP_TIMEOUT: "soon",
    });
    expect(bad.config.shutdownTimeoutMs).toBe(5000);
    expect(bad.warnings.join()).toContain("OTEL_EXPORTER_OTLP_TIMEOUT=soon");
  });

  it("refuses an endpoint that is not an http(s) URL, with a warning", () => {
    const result = read({ OTEL_EXPORTER_OTLP_ENDPOINT: "localhost:4318" });
    expect(result.enabled).toBe(false);
    expect(result.warnings).toEqual([
      "OTEL_EXPORTER_OTLP_ENDPOINT=localhost:4318 is not an http(s) URL; telemetry off",
    ]);
  });

  it("warns that another OTLP protocol is not used", () => {
    const result = enabled({
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4317",
      OTEL_EXPORTER_OTLP_PROTOCOL: "grpc",
    });
    expect(result.warnings).toEqual([
      "OTEL_EXPORTER_OTLP_PROTOCOL=grpc: the orchestrator always sends OTLP/HTTP with JSON",
    ]);
  });

  it("names the service orchestrator unless OTEL_SERVICE_NAME or the resource says otherwise", () => {
    const base = { OTEL_EXPORTER_OTLP_ENDPOINT: "http://c" };
    expect(enabled(base).config.serviceName).toBe("orchestrator");
    const fromResource = enabled({
      ...base,
      OTEL_RESOURCE_ATTRIBUTES: "service.name=orch-a,deployment.environment=prod",
    }).config;
    expect(fromResource.serviceName).toBe("orch-a");
    expect(fromResource.resourceAttributes).toEqual({ "deployment.environment": "prod" });
    const both = { ...base, OTEL_RESOURCE_ATTRIBUTES: "service.name=a", OTEL_SERVICE_NAME: "b" };
    expect(enabled(both).config.serviceName).toBe("b");
  });

  it("captures content only when asked, by option or environment", () => {
    const base = { OTEL_EXPORTER_OTLP_ENDPOINT: "http://c" };
    expect(enabled(base).config.captureContent).toBe(false);
    expect(
      enabled({ ...base, ORCHESTRATOR_OTEL_CAPTURE_CONTENT: "true" }).config.captureContent,
    ).toBe(true);
    expect(
      enabled({ ...base, ORCHESTRATOR_OTEL_CAPTURE_CONTENT: "true" }, false).config.captureContent,
    ).toBe(false);
  });

  it("keeps the metric interval at least as long as the export timeout (the SDK requires it)", () => {
    const { config } = enabled({
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://c",
      OTEL_METRIC_EXPORT_INTERVAL: "1000",
      OTEL_EXPORTER_OTLP_TIMEOUT: "3000",
    });
    expect(config.metricIntervalMs).toBe(3000);
  });
});

describe("parseKeyValueList", () => {
  it("skips malformed parts and keeps undecodable values as written", () => {
    expect(parseKeyValueList("a=1,,=2,b,c=%E0%A4%A,d = x y ")).toEqual({
      a: "1",
      c: "%E0%A4%A",
      d: "x y",
    });
  });
});

describe("createTelemetry without an endpoint", () => {
  it("returns the inert implementation, whose listener and methods do nothing", async () => {
    const warnings: string[] = [];
    const t = await createTelemetry({
      env: {},
      serviceVersion: "1",
      warn: (m) => warnings.push(m),
    });
    expect(t).toBe(disabledTelemetry);
    expect(t.enabled).toBe(false);
    t.startRun("run", "R");
    t.listener(
      {
        seq: 1,
        taskId: "T",
        runId: null,
        at: 0,
        body: { type: "note", level: "info", message: "x" },
      },
      {
        taskId: "T",
        status: "NEW",
        planRound: 0,
        steps: [],
        costUsd: 0,
        tokens: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 },
        modelCalls: 0,
      },
    );
    expect(t.traceContext("T")).toBeUndefined();
    expect(t.childEnv("T", "claude-cli")).toEqual({});
    t.endRun("finished");
    await expect(t.shutdown()).resolves.toBeUndefined();
    expect(warnings).toEqual([]);
  });

  it("is disabled by OTEL_SDK_DISABLED even with an endpoint", async () => {
    const t = await createTelemetry({
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:1", OTEL_SDK_DISABLED: "true" },
      serviceVersion: "1",
    });
    expect(t.enabled).toBe(false);
  });
});
