import { readdir, readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { happyScript } from "../support/script-builder.js";
import { pointsOf } from "./otlp-json.js";
import type { ReceivedPoint } from "./otlp-json.js";
import { startOtlpReceiver } from "./otlp-receiver.js";
import type { OtlpReceiver } from "./otlp-receiver.js";
import { gateFailing, runWithTelemetry } from "./telemetry-run.js";

const GRAFANA_DIR = fileURLToPath(new URL("../../docs/grafana/", import.meta.url));

const Dashboard = z.object({
  title: z.string(),
  uid: z.string(),
  panels: z
    .array(
      z.object({
        title: z.string(),
        targets: z.array(z.object({ expr: z.string().min(1) })).min(1),
      }),
    )
    .min(1),
});

/**
 * The names Prometheus shows for an exported metric after the usual OTLP translation: dots
 * become underscores, a unit of seconds adds `_seconds`, counters end in `_total`, histograms
 * become `_bucket`, `_sum` and `_count`.
 */
function prometheusNames(p: ReceivedPoint): string[] {
  let name = p.metric.replace(/\./g, "_");
  if (p.unit === "s" && !name.endsWith("_seconds")) name += "_seconds";
  if (p.count !== undefined) return [`${name}_bucket`, `${name}_sum`, `${name}_count`];
  return [name.endsWith("_total") ? name : `${name}_total`];
}

/** Identifiers in a PromQL expression that name series (not functions, labels or keywords). */
function metricsIn(expr: string): string[] {
  const withoutStrings = expr.replace(/"[^"]*"/g, '""').replace(/\{[^}]*\}/g, "{}");
  const withoutGrouping = withoutStrings.replace(/\b(by|without)\s*\([^)]*\)/g, "");
  return [...withoutGrouping.matchAll(/\b[a-zA-Z_:][a-zA-Z0-9_:]*\b(?!\s*\()/g)]
    .map((m) => m[0])
    .filter((id) => !/^(le|by|without|on|ignoring|group_left|group_right|bool|offset)$/.test(id))
    .filter((id) => !id.startsWith("__"));
}

let receiver: OtlpReceiver;
let exported: Set<string>;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  const run = await runWithTelemetry({
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url },
    script: happyScript("T-1", [
      { id: "S1", description: "Add greeting", files: { "src/greet.txt": "hi\n" } },
      { id: "S2", description: "Document it", type: "docs", files: { "docs/greet.md": "# hi\n" } },
    ]),
    gate: gateFailing(["S1-attempt-1"]),
  });
  expect(run.outcome.status).toBe("DONE");
  exported = new Set(pointsOf(receiver.bodies("/v1/metrics")).flatMap(prometheusNames));
}, 120_000);
afterAll(async () => {
  await receiver.close();
});

describe("Grafana dashboards in docs/grafana", () => {
  it("cover the seed's four views, and every panel's query names only metrics a real run exports", async () => {
    const files = (await readdir(GRAFANA_DIR)).filter((f) => f.endsWith(".json")).sort();
    expect(files).toEqual(["flow.json", "models.json", "overview.json", "quality.json"]);
    expect(exported.size).toBeGreaterThan(10);
    const unknown: string[] = [];
    for (const file of files) {
      const dashboard = Dashboard.parse(JSON.parse(await readFile(GRAFANA_DIR + file, "utf8")));
      for (const panel of dashboard.panels) {
        for (const target of panel.targets) {
          const metrics = metricsIn(target.expr);
          expect(metrics.length, `${file} "${panel.title}": ${target.expr}`).toBeGreaterThan(0);
          for (const m of metrics)
            if (!exported.has(m)) unknown.push(`${file} "${panel.title}": ${m}`);
        }
      }
    }
    expect(unknown).toEqual([]);
  });

  it("the check itself catches a misspelt metric", () => {
    const metrics = metricsIn(
      'sum by (model) (increase(orchestrator_llm_cost_usd[$__range])) / sum(rate(orchestrator_tasks_total{status="x"}[5m]))',
    );
    expect(metrics).toEqual(["orchestrator_llm_cost_usd", "orchestrator_tasks_total"]);
    expect(exported.has("orchestrator_llm_cost_usd")).toBe(false);
    expect(exported.has("orchestrator_llm_cost_usd_total")).toBe(true);
  });
});
