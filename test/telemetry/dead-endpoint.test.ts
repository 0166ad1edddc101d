import { afterEach, describe, expect, it } from "vitest";
import { happyScript } from "../support/script-builder.js";
import type { ScriptedStep } from "../support/script-builder.js";
import { closedPort, startOtlpReceiver } from "./otlp-receiver.js";
import type { OtlpReceiver } from "./otlp-receiver.js";
import { runWithTelemetry } from "./telemetry-run.js";

const STEPS: ScriptedStep[] = [
  { id: "S1", description: "Create the greeting module", files: { "src/greet.txt": "hi\n" } },
];
const TIMEOUT_MS = 500;
/** Slack for a loaded machine; the bound under test is the export timeout, not this. */
const SLACK_MS = 2_000;

let receiver: OtlpReceiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

async function baselineMs(): Promise<number> {
  const run = await runWithTelemetry({ env: {}, script: happyScript("T-1", STEPS) });
  expect(run.telemetry.enabled).toBe(false);
  return run.runMs;
}

describe("telemetry with an unreachable collector", () => {
  it("finishes the task and shuts down within the export timeout when the port is closed", async () => {
    const baseline = await baselineMs();
    const port = await closedPort();
    const run = await runWithTelemetry({
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
        OTEL_EXPORTER_OTLP_TIMEOUT: String(TIMEOUT_MS),
      },
      script: happyScript("T-1", STEPS),
    });
    expect(run.telemetry.enabled).toBe(true);
    expect(run.outcome.status).toBe("DONE");
    expect(run.runMs).toBeLessThan(baseline + TIMEOUT_MS + SLACK_MS);
    expect(run.shutdownMs).toBeLessThan(TIMEOUT_MS + SLACK_MS);
    // Each signal's failure is reported once, not once per export.
    expect(run.warnings.filter((w) => w.includes("exporting traces"))).toHaveLength(1);
    expect(run.warnings.filter((w) => w.includes("exporting metrics"))).toHaveLength(1);
  });

  it("does not wait for a collector that accepts the connection but never answers", async () => {
    receiver = await startOtlpReceiver("hang");
    const run = await runWithTelemetry({
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_TIMEOUT: String(TIMEOUT_MS),
      },
      script: happyScript("T-1", STEPS),
    });
    expect(run.outcome.status).toBe("DONE");
    expect(run.shutdownMs).toBeLessThan(TIMEOUT_MS + SLACK_MS);
    expect(receiver.requests).toEqual([]);
  });

  it("keeps going when the collector answers 503 (retryable) until the timeout", async () => {
    receiver = await startOtlpReceiver("unavailable");
    const run = await runWithTelemetry({
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_TIMEOUT: String(TIMEOUT_MS),
      },
      script: happyScript("T-1", STEPS),
    });
    expect(run.outcome.status).toBe("DONE");
    expect(run.shutdownMs).toBeLessThan(TIMEOUT_MS + SLACK_MS);
  });
});
