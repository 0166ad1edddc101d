import type { Meter, Tracer } from "@opentelemetry/api";
import { ExportResultCode } from "@opentelemetry/core";
import type { ExportResult } from "@opentelemetry/core";
import {
  AggregationTemporalityPreference,
  OTLPMetricExporter,
} from "@opentelemetry/exporter-metrics-otlp-http";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { defaultResource, resourceFromAttributes } from "@opentelemetry/resources";
import { MeterProvider, PeriodicExportingMetricReader } from "@opentelemetry/sdk-metrics";
import type { PushMetricExporter } from "@opentelemetry/sdk-metrics";
import { BasicTracerProvider, BatchSpanProcessor } from "@opentelemetry/sdk-trace-base";
import type { SpanExporter } from "@opentelemetry/sdk-trace-base";
import type { SignalConfig, TelemetryConfig } from "./config.js";

/** The SDK objects telemetry needs, behind one shutdown. */
export interface Sdk {
  readonly tracer: Tracer | undefined;
  readonly meter: Meter | undefined;
  /** Flushes and shuts everything down; settles (never rejects) once the SDK is done. */
  shutdown(): Promise<void>;
}

const SCOPE = "orchestrator";

/** Reports the first failed export of a signal, then stays quiet. */
function onceReporter(
  signal: string,
  url: string,
  warn: (message: string) => void,
): (result: ExportResult) => void {
  let reported = false;
  return (result) => {
    if (result.code === ExportResultCode.SUCCESS || reported) return;
    reported = true;
    const reason = result.error?.message ?? "unknown error";
    warn(`telemetry: exporting ${signal} to ${url} failed: ${reason} (further failures not shown)`);
  };
}

function exporterOptions(signal: SignalConfig) {
  return {
    url: signal.url,
    headers: { ...signal.headers },
    timeoutMillis: signal.timeoutMs,
  } as const;
}

function watchedSpanExporter(inner: SpanExporter, report: (r: ExportResult) => void): SpanExporter {
  return {
    export: (spans, done) => {
      inner.export(spans, (result) => {
        report(result);
        done(result);
      });
    },
    shutdown: () => inner.shutdown(),
    forceFlush: () => inner.forceFlush?.() ?? Promise.resolve(),
  };
}

function watchedMetricExporter(
  inner: OTLPMetricExporter,
  report: (r: ExportResult) => void,
): PushMetricExporter {
  return {
    export: (metrics, done) => {
      inner.export(metrics, (result) => {
        report(result);
        done(result);
      });
    },
    forceFlush: () => inner.forceFlush(),
    shutdown: () => inner.shutdown(),
    selectAggregationTemporality: (type) => inner.selectAggregationTemporality(type),
  };
}

const TEMPORALITY = {
  cumulative: AggregationTemporalityPreference.CUMULATIVE,
  delta: AggregationTemporalityPreference.DELTA,
  lowmemory: AggregationTemporalityPreference.LOWMEMORY,
} as const;

/**
 * Builds the tracer and meter providers with OTLP/HTTP JSON exporters. Nothing is registered
 * globally: the orchestrator's spans and metrics go only through the returned tracer and meter.
 */
export function createSdk(config: TelemetryConfig, warn: (message: string) => void): Sdk {
  const resource = defaultResource().merge(
    resourceFromAttributes({
      ...config.resourceAttributes,
      "service.name": config.serviceName,
      "service.version": config.serviceVersion,
    }),
  );
  let tracerProvider: BasicTracerProvider | undefined;
  let meterProvider: MeterProvider | undefined;
  if (config.traces) {
    const exporter = watchedSpanExporter(
      new OTLPTraceExporter(exporterOptions(config.traces)),
      onceReporter("traces", config.traces.url, warn),
    );
    tracerProvider = new BasicTracerProvider({
      resource,
      spanProcessors: [
        new BatchSpanProcessor(exporter, { exportTimeoutMillis: config.traces.timeoutMs }),
      ],
    });
  }
  if (config.metrics) {
    const exporter = watchedMetricExporter(
      new OTLPMetricExporter({
        ...exporterOptions(config.metrics),
        temporalityPreference: TEMPORALITY[config.temporality],
      }),
      onceReporter("metrics", config.metrics.url, warn),
    );
    meterProvider = new MeterProvider({
      resource,
      readers: [
        new PeriodicExportingMetricReader({
          exporter,
          exportIntervalMillis: config.metricIntervalMs,
          exportTimeoutMillis: config.metrics.timeoutMs,
        }),
      ],
    });
  }
  const version = config.serviceVersion;
  return {
    tracer: tracerProvider?.getTracer(SCOPE, version),
    meter: meterProvider?.getMeter(SCOPE, version),
    shutdown: async () => {
      await Promise.allSettled([
        tracerProvider?.shutdown(),
        meterProvider?.shutdown({ timeoutMillis: config.shutdownTimeoutMs }),
      ]);
    },
  };
}
