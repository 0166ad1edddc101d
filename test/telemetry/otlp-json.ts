import { z } from "zod";

/** OTLP/HTTP JSON bodies, as far as the tests read them (the encoding of the OTLP protobufs). */
const AnyValue = z.object({
  stringValue: z.string().optional(),
  boolValue: z.boolean().optional(),
  intValue: z.union([z.number(), z.string()]).optional(),
  doubleValue: z.number().optional(),
  arrayValue: z
    .object({ values: z.array(z.object({ stringValue: z.string().optional() })).optional() })
    .optional(),
});
const KeyValues = z.array(z.object({ key: z.string(), value: AnyValue })).default([]);

const SpanJson = z.object({
  traceId: z.string(),
  spanId: z.string(),
  parentSpanId: z.string().optional(),
  name: z.string(),
  kind: z.number(),
  startTimeUnixNano: z.union([z.string(), z.number()]),
  endTimeUnixNano: z.union([z.string(), z.number()]),
  attributes: KeyValues,
  events: z.array(z.object({ name: z.string(), attributes: KeyValues })).default([]),
  status: z.object({ code: z.number().optional(), message: z.string().optional() }).default({}),
});

const TracesBody = z.object({
  resourceSpans: z.array(
    z.object({
      resource: z.object({ attributes: KeyValues }),
      scopeSpans: z.array(z.object({ spans: z.array(SpanJson) })),
    }),
  ),
});

const NumberPoint = z.object({
  attributes: KeyValues,
  asDouble: z.number().optional(),
  asInt: z.union([z.number(), z.string()]).optional(),
});
const HistogramPoint = z.object({
  attributes: KeyValues,
  count: z.union([z.number(), z.string()]),
  sum: z.number().optional(),
});
const MetricJson = z.object({
  name: z.string(),
  unit: z.string().optional(),
  sum: z.object({ dataPoints: z.array(NumberPoint) }).optional(),
  histogram: z.object({ dataPoints: z.array(HistogramPoint) }).optional(),
});
const MetricsBody = z.object({
  resourceMetrics: z.array(
    z.object({ scopeMetrics: z.array(z.object({ metrics: z.array(MetricJson) })) }),
  ),
});

export type Attrs = Record<string, string | number | boolean | string[]>;

function attrs(list: z.infer<typeof KeyValues>): Attrs {
  const out: Attrs = {};
  for (const { key, value } of list) {
    if (value.stringValue !== undefined) out[key] = value.stringValue;
    else if (value.boolValue !== undefined) out[key] = value.boolValue;
    else if (value.intValue !== undefined) out[key] = Number(value.intValue);
    else if (value.doubleValue !== undefined) out[key] = value.doubleValue;
    else if (value.arrayValue !== undefined)
      out[key] = (value.arrayValue.values ?? []).map((v) => v.stringValue ?? "");
  }
  return out;
}

/** A received span with its attributes as a plain record and times in milliseconds. */
export interface ReceivedSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | undefined;
  readonly name: string;
  readonly kind: number;
  readonly startMs: number;
  readonly endMs: number;
  readonly attributes: Attrs;
  readonly events: { name: string; attributes: Attrs }[];
  readonly statusCode: number;
}

const ms = (ns: string | number): number => Number(BigInt(ns) / 1_000_000n);

/** Every span in the given `/v1/traces` bodies (validated), plus the resource attributes. */
export function spansOf(bodies: readonly unknown[]): { spans: ReceivedSpan[]; resource: Attrs } {
  const spans: ReceivedSpan[] = [];
  let resource: Attrs = {};
  for (const body of bodies) {
    for (const rs of TracesBody.parse(body).resourceSpans) {
      resource = attrs(rs.resource.attributes);
      for (const ss of rs.scopeSpans) {
        for (const s of ss.spans) {
          spans.push({
            traceId: s.traceId,
            spanId: s.spanId,
            parentSpanId: s.parentSpanId === "" ? undefined : s.parentSpanId,
            name: s.name,
            kind: s.kind,
            startMs: ms(s.startTimeUnixNano),
            endMs: ms(s.endTimeUnixNano),
            attributes: attrs(s.attributes),
            events: s.events.map((e) => ({ name: e.name, attributes: attrs(e.attributes) })),
            statusCode: s.status.code ?? 0,
          });
        }
      }
    }
  }
  return { spans, resource };
}

/** One data point: a sum's value or a histogram's count and sum. */
export interface ReceivedPoint {
  readonly metric: string;
  readonly unit: string;
  readonly attributes: Attrs;
  readonly value: number;
  readonly count?: number;
}

/**
 * Data points of the LAST `/v1/metrics` body (temporality is cumulative, so the last export
 * holds the totals).
 */
export function pointsOf(bodies: readonly unknown[]): ReceivedPoint[] {
  const last = bodies.at(-1);
  if (last === undefined) return [];
  const points: ReceivedPoint[] = [];
  for (const rm of MetricsBody.parse(last).resourceMetrics) {
    for (const sm of rm.scopeMetrics) {
      for (const m of sm.metrics) {
        const unit = m.unit ?? "";
        for (const p of m.sum?.dataPoints ?? []) {
          const value = p.asDouble ?? Number(p.asInt ?? 0);
          points.push({ metric: m.name, unit, attributes: attrs(p.attributes), value });
        }
        for (const p of m.histogram?.dataPoints ?? []) {
          points.push({
            metric: m.name,
            unit,
            attributes: attrs(p.attributes),
            value: p.sum ?? 0,
            count: Number(p.count),
          });
        }
      }
    }
  }
  return points;
}
