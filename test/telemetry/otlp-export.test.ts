import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import type { EventBody } from "../../src/core/events.js";
import { answer, happyScript } from "../support/script-builder.js";
import type { ScriptedStep } from "../support/script-builder.js";
import { pointsOf, spansOf } from "./otlp-json.js";
import type { Attrs, ReceivedPoint, ReceivedSpan } from "./otlp-json.js";
import { startOtlpReceiver } from "./otlp-receiver.js";
import type { OtlpReceiver } from "./otlp-receiver.js";
import { gateFailing, runWithTelemetry } from "./telemetry-run.js";

const STEPS: ScriptedStep[] = [
  { id: "S1", description: "Create the greeting module", files: { "src/greet.txt": "hi\n" } },
  { id: "S2", description: "Document it", type: "docs", files: { "docs/greet.md": "# hi\n" } },
];
const SPAN_KIND_CLIENT = 3;
const STATUS_ERROR = 2;

/** The GenAI conventions' `gen_ai.input.messages` JSON. */
const Messages = z.array(
  z.object({
    role: z.string(),
    parts: z.array(z.object({ type: z.literal("text"), content: z.string() })),
  }),
);

type ModelCall = Extract<EventBody, { type: "model.call" }>;

let receiver: OtlpReceiver;
beforeEach(async () => {
  receiver = await startOtlpReceiver();
});
afterEach(async () => {
  await receiver.close();
});

function only(spans: ReceivedSpan[], name: string, where: Partial<Attrs> = {}): ReceivedSpan {
  const found = spans.filter(
    (s) => s.name === name && Object.entries(where).every(([k, v]) => s.attributes[k] === v),
  );
  expect(found, `exactly one ${name} ${JSON.stringify(where)}`).toHaveLength(1);
  return found[0]!;
}

function childrenOf(spans: ReceivedSpan[], parent: ReceivedSpan): ReceivedSpan[] {
  return spans.filter((s) => s.parentSpanId === parent.spanId);
}

/** Sum of the values of a metric's points whose labels include `labels`. */
function total(points: ReceivedPoint[], metric: string, labels: Attrs = {}): number {
  return points
    .filter((p) => p.metric === metric)
    .filter((p) => Object.entries(labels).every(([k, v]) => p.attributes[k] === v))
    .reduce((sum, p) => sum + p.value, 0);
}

describe("telemetry over OTLP/HTTP", () => {
  it("exports the seed's span tree with GenAI attributes and the metric points of a real run", async () => {
    const run = await runWithTelemetry({
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_RESOURCE_ATTRIBUTES: "deployment.environment=test",
      },
      script: happyScript("T-1", STEPS),
      gate: gateFailing(["S1-attempt-1"]),
    });
    expect(run.outcome.status).toBe("DONE");
    expect(run.warnings).toEqual([]);
    expect(receiver.requests.every((r) => r.contentType === "application/json")).toBe(true);

    const { spans, resource } = spansOf(receiver.bodies("/v1/traces"));
    expect(resource).toMatchObject({
      "service.name": "orchestrator",
      "service.version": "9.9.9-test",
      "deployment.environment": "test",
    });
    expect(new Set(spans.map((s) => s.traceId)).size).toBe(1);

    const root = only(spans, "orchestrator.run");
    expect(root.parentSpanId).toBeUndefined();
    expect(root.attributes).toMatchObject({
      "orchestrator.command": "run --task T-1",
      "orchestrator.run_id": "R-1",
      "result.status": "finished",
    });
    const task = only(spans, "task.run");
    expect(task.parentSpanId).toBe(root.spanId);
    expect(task.attributes).toMatchObject({
      "task.id": "T-1",
      "task.area": "core",
      "task.risk": "medium",
      "result.status": "success",
    });
    expect(task.attributes["orchestrator.cost_usd"]).toBeCloseTo(run.outcome.view.costUsd, 9);

    const plan = only(spans, "task.plan");
    const review = only(spans, "task.review_plan");
    const s1 = only(spans, "step.run", { "step.id": "S1" });
    const s2 = only(spans, "step.run", { "step.id": "S2" });
    for (const s of [plan, review, s1, s2]) expect(s.parentSpanId).toBe(task.spanId);
    expect(s1.attributes).toMatchObject({
      "step.type": "implementation",
      "result.status": "success",
      "result.attempt": 2,
    });
    expect(s2.attributes).toMatchObject({ "step.type": "docs", "result.attempt": 1 });

    // One CLIENT span per model.call event, under the span of its role, timed by the event.
    const calls = run.events.flatMap((e) =>
      e.body.type === "model.call" ? [{ at: e.at, body: e.body }] : [],
    );
    const chats = spans.filter((s) => s.name.startsWith("chat "));
    expect(chats).toHaveLength(calls.length);
    const parentFor = (c: ModelCall): ReceivedSpan =>
      c.role === "planner"
        ? plan
        : c.role === "plan_reviewer"
          ? review
          : c.stepId === "S1"
            ? s1
            : s2;
    for (const { at, body } of calls) {
      const span = chats.find(
        (s) =>
          s.endMs === at &&
          s.attributes["llm.role"] === body.role &&
          s.attributes["step.id"] === body.stepId,
      );
      expect(span, `${body.role} ${body.stepId ?? ""}`).toBeDefined();
      const input = body.usage.input + body.usage.cacheRead + body.usage.cacheWrite;
      expect(span!.name).toBe(`chat ${body.modelId}`);
      expect(span!.kind).toBe(SPAN_KIND_CLIENT);
      expect(span!.parentSpanId).toBe(parentFor(body).spanId);
      expect(span!.startMs).toBe(Math.floor(at - body.durationMs));
      expect(span!.attributes).toMatchObject({
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": body.family === "anthropic" ? "anthropic" : "gcp.gemini",
        "gen_ai.request.model": body.modelId,
        "gen_ai.response.model": body.modelId,
        "gen_ai.usage.input_tokens": input,
        "gen_ai.usage.output_tokens": body.usage.output,
        "gen_ai.usage.cache_read.input_tokens": 0,
        "gen_ai.usage.cache_creation.input_tokens": 0,
        "llm.provider": "scripted",
        "llm.model_name": body.modelId,
        "llm.prompt_tokens": input,
        "llm.completion_tokens": body.usage.output,
        "orchestrator.model": body.model,
        "result.status": "success",
      });
      expect(span!.attributes["orchestrator.cost_usd"]).toBeCloseTo(body.costUsd, 9);
      // Content is opt-in.
      expect(span!.attributes["gen_ai.input.messages"]).toBeUndefined();
    }

    // Two gate runs on S1 (the first failed), one on S2; checks are children laid out in order.
    const gates = childrenOf(spans, s1).filter((s) => s.name === "quality_gate.run");
    expect(gates.map((g) => g.attributes["result.status"]).sort()).toEqual(["fail", "success"]);
    const failed = gates.find((g) => g.attributes["result.status"] === "fail")!;
    expect(failed.statusCode).toBe(STATUS_ERROR);
    expect(failed.attributes).toMatchObject({
      "result.attempt": 1,
      "orchestrator.quality_gate.failed_checks": ["test"],
    });
    const checks = childrenOf(spans, failed).sort((a, b) => a.startMs - b.startMs);
    expect(checks.map((c) => c.attributes["orchestrator.quality_gate.check"])).toEqual([
      "lint",
      "test",
    ]);
    expect(checks[1]!.statusCode).toBe(STATUS_ERROR);
    expect(failed.endMs - failed.startMs).toBe(100);
    expect(childrenOf(spans, s2).filter((s) => s.name === "quality_gate.run")).toHaveLength(1);

    // Routing decisions are span events on the span they were made in.
    expect(s1.events.some((e) => e.name === "routing.decision")).toBe(true);

    // traceContext() at a model call is the innermost open span: the step or the plan phase.
    for (const { event, trace, env } of run.contexts) {
      if (event.body.type !== "model.call") continue;
      const expected = parentFor(event.body);
      expect(trace?.spanId).toBe(expected.spanId);
      expect(trace?.traceparent).toBe(`00-${expected.traceId}-${expected.spanId}-01`);
      expect(env).toMatchObject({
        TRACEPARENT: trace?.traceparent,
        CLAUDE_CODE_ENABLE_TELEMETRY: "1",
      });
    }
    expect(run.telemetry.traceContext("T-1")).toBeUndefined();
    // Shutting down again (SIGINT after the normal path) sends nothing more.
    const sent = receiver.requests.length;
    await run.telemetry.shutdown();
    expect(receiver.requests).toHaveLength(sent);

    const points = pointsOf(receiver.bodies("/v1/metrics"));
    const sum = (pick: (c: ModelCall) => number, where: (c: ModelCall) => boolean = () => true) =>
      calls.filter((c) => where(c.body)).reduce((n, c) => n + pick(c.body), 0);
    expect(total(points, "orchestrator_tasks_total", { status: "success" })).toBe(1);
    expect(total(points, "orchestrator_llm_calls_total")).toBe(calls.length);
    for (const role of ["planner", "plan_reviewer", "implementer", "code_reviewer"]) {
      const ofRole = (c: ModelCall) => c.role === role;
      const model = calls.find((c) => c.body.role === role)!.body.model;
      const labels = { provider: "scripted", model, role };
      expect(total(points, "orchestrator_llm_calls_total", labels)).toBe(sum(() => 1, ofRole));
      expect(total(points, "orchestrator_llm_tokens_total", { ...labels, type: "input" })).toBe(
        sum((c) => c.usage.input, ofRole),
      );
      expect(total(points, "orchestrator_llm_tokens_total", { ...labels, type: "output" })).toBe(
        sum((c) => c.usage.output, ofRole),
      );
    }
    expect(total(points, "orchestrator_llm_cost_usd")).toBeCloseTo(run.outcome.view.costUsd, 9);
    expect(total(points, "orchestrator_quality_gate_runs_total", { status: "failed" })).toBe(1);
    expect(total(points, "orchestrator_quality_gate_runs_total", { status: "passed" })).toBe(2);
    expect(total(points, "orchestrator_quality_regressions_total", { type: "test" })).toBe(1);
    expect(total(points, "orchestrator_quality_regressions_total", { type: "lint" })).toBe(0);
    const steps = (type: string, status: string) =>
      total(points, "orchestrator_steps_total", { type, status });
    expect(steps("plan", "success")).toBe(1);
    expect(steps("plan_review", "success")).toBe(1);
    expect(steps("implement", "success")).toBe(3);
    expect(steps("code_review", "success")).toBe(3);
    expect(steps("quality_gate", "retry")).toBe(1);
    expect(steps("quality_gate", "success")).toBe(2);
    expect(
      total(points, "orchestrator_step_rejections_total", {
        model: "claude",
        type: "quality_gate",
      }),
    ).toBe(1);
    expect(
      total(points, "orchestrator_model_routing", {
        role: "implementer",
        model: "claude",
        task_risk: "medium",
        task_area: "core",
      }),
    ).toBe(3);
    const duration = points.find((p) => p.metric === "orchestrator_task_duration_seconds");
    expect(duration).toMatchObject({ unit: "s", count: 1, attributes: { status: "success" } });
    const tokens = points.filter(
      (p) =>
        p.metric === "gen_ai.client.token.usage" && p.attributes["gen_ai.token.type"] === "input",
    );
    expect(tokens.reduce((n, p) => n + p.value, 0)).toBe(
      sum((c) => c.usage.input + c.usage.cacheRead + c.usage.cacheWrite),
    );
    expect(tokens.reduce((n, p) => n + (p.count ?? 0), 0)).toBe(calls.length);
    const callSeconds = points.filter((p) => p.metric === "gen_ai.client.operation.duration");
    expect(callSeconds.every((p) => p.unit === "s")).toBe(true);
    expect(callSeconds.reduce((n, p) => n + (p.count ?? 0), 0)).toBe(calls.length);
  });

  it("marks a failed model call as an error and ends the task span when it waits for a human", async () => {
    const run = await runWithTelemetry({
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_SERVICE_NAME: "orch-test" },
      script: happyScript("T-1", STEPS, [
        answer({ role: "plan_reviewer", fail: "quota exceeded" }),
      ]),
      captureContent: true,
    });
    expect(run.outcome.status).toBe("AWAITING_HUMAN_REVIEW");
    const { spans, resource } = spansOf(receiver.bodies("/v1/traces"));
    expect(resource["service.name"]).toBe("orch-test");
    const review = only(spans, "task.review_plan");
    expect(review.attributes["result.status"]).toBe("human_required");
    const chat = childrenOf(spans, review)[0]!;
    expect(chat.statusCode).toBe(STATUS_ERROR);
    expect(chat.attributes).toMatchObject({ "result.status": "fail", "error.type": "model_error" });
    expect(only(spans, "task.run").attributes["result.status"]).toBe("human_required");
    expect(spans.some((s) => s.name === "step.run")).toBe(false);

    // With content capture on, the planner's span carries its prompt and answer.
    const planner = childrenOf(spans, only(spans, "task.plan"))[0]!;
    const input = String(planner.attributes["gen_ai.input.messages"]);
    const messages = Messages.parse(JSON.parse(input));
    expect(messages.map((m) => m.role)).toEqual(["user"]);
    expect(messages[0]?.parts[0]?.content).toContain("Add a greeting module");
    expect(String(planner.attributes["gen_ai.output.messages"])).toContain("assistant");

    const points = pointsOf(receiver.bodies("/v1/metrics"));
    expect(total(points, "orchestrator_tasks_total", { status: "human_required" })).toBe(1);
    expect(
      total(points, "orchestrator_steps_total", { type: "plan_review", status: "human_required" }),
    ).toBe(1);
    expect(points.some((p) => p.metric === "orchestrator_task_duration_seconds")).toBe(false);
  });
});
