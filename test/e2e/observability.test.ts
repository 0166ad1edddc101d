import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { happyScript } from "../support/script-builder.js";
import { runCli } from "../support/cli.js";
import { writeScriptedProject } from "../support/scripted-project.js";
import { spansOf } from "../telemetry/otlp-json.js";
import { startOtlpReceiver } from "../telemetry/otlp-receiver.js";
import type { OtlpReceiver } from "../telemetry/otlp-receiver.js";
import { createTempRepo } from "../workspace/temp-repo.js";
import type { TempRepo } from "../workspace/temp-repo.js";

let repo: TempRepo | undefined;
let receiver: OtlpReceiver | undefined;
afterEach(async () => {
  await repo?.cleanup();
  await receiver?.close();
  repo = undefined;
  receiver = undefined;
});

describe("`orchestrator run` with telemetry and logs", () => {
  it("exports the span tree over OTLP and writes a JSON log whose lines carry its trace id", async () => {
    const r = (repo = await createTempRepo());
    const rec = (receiver = await startOtlpReceiver());
    await writeScriptedProject(r.root, {
      taskId: "OBS-1",
      script: happyScript("OBS-1", [
        { id: "S1", description: "Add a file", files: { "a.txt": "a\n" } },
      ]),
    });
    const run = await runCli(["run", "--task", "OBS-1"], r.root, {
      ...r.env,
      OTEL_EXPORTER_OTLP_ENDPOINT: rec.url,
    });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);

    const { spans } = spansOf(rec.bodies("/v1/traces"));
    const names = new Set(spans.map((s) => s.name));
    for (const name of [
      "orchestrator.run",
      "task.run",
      "task.plan",
      "step.run",
      "quality_gate.run",
    ])
      expect(names).toContain(name);
    const root = spans.find((s) => s.name === "orchestrator.run");
    const task = spans.find((s) => s.name === "task.run");
    expect(task?.parentSpanId).toBe(root?.spanId);
    expect(rec.bodies("/v1/metrics").length).toBeGreaterThan(0);

    const runs = await readdir(join(r.root, ".orchestrator", "runs"));
    expect(runs).toHaveLength(1);
    const log = await readFile(
      join(r.root, ".orchestrator", "runs", runs[0] ?? "", "orchestrator.log"),
      "utf8",
    );
    const lines = log
      .trim()
      .split("\n")
      .map((l): unknown => JSON.parse(l));
    expect(lines).toContainEqual(
      expect.objectContaining({ task_id: "OBS-1", trace_id: root?.traceId }),
    );
    expect(log).toMatch(/routing S1 -> implementer=claude_sonnet/);
  });
});
