import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { describe, expect, it } from "vitest";
import type { EventBody, StoredEvent } from "../core/events.js";
import { applyEvent, emptyView } from "../core/projection.js";
import type { TaskView } from "../core/projection.js";
import type { TaskEvent, TaskState } from "../core/state-machine.js";
import { SpanProjector } from "./span-projector.js";
import { TaskBook } from "./task-book.js";

const PLAN = {
  task_id: "T-1",
  plan_version: 1,
  steps: [
    {
      id: "S1",
      type: "testing",
      description: "add tests",
      risk: "high" as const,
      estimated_complexity: "small" as const,
      files_to_read: [],
      files_to_create: [],
      files_to_modify: [],
      tests_required: true,
      commands: [],
    },
  ],
  dependencies: [],
};

/** A projector over an in-memory exporter, fed events the way the engine records them. */
function setup(describeTask?: (id: string) => { area: string; risk: string } | undefined) {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const projector = new SpanProjector(provider.getTracer("t"), new TaskBook(describeTask), false);
  let seq = 0;
  let at = 1_000_000;
  const view: TaskView = emptyView("T-1");
  const record = (body: EventBody): void => {
    at += 10;
    const e: StoredEvent = { seq: ++seq, taskId: "T-1", runId: "R", at, body };
    applyEvent(view, e);
    projector.onEvent(e, view);
  };
  const move = (event: TaskEvent, to: TaskState): void => {
    record({ type: "transition", event, from: view.status, to });
  };
  const spans = (): ReadableSpan[] => exporter.getFinishedSpans();
  const named = (name: string) => spans().filter((s) => s.name === name);
  return { projector, view, record, move, spans, named, now: () => at };
}

describe("SpanProjector", () => {
  it("opens a step span for a task resumed mid-step and ends it as interrupted with the run", () => {
    const t = setup(() => ({ area: "api", risk: "high" }));
    // Events of an earlier process: applied to the view only, as TaskRecorder.open does.
    const earlier: EventBody[] = [
      { type: "transition", event: { type: "START_PLANNING" }, from: "NEW", to: "PLANNING" },
      { type: "plan.recorded", plan: PLAN, author: "claude", round: 1 },
      { type: "transition", event: { type: "PLAN_READY" }, from: "PLANNING", to: "PLAN_REVIEW" },
      { type: "transition", event: { type: "PLAN_APPROVED" }, from: "PLAN_REVIEW", to: "PLANNED" },
      {
        type: "transition",
        event: { type: "START_STEP", stepId: "S1" },
        from: "PLANNED",
        to: "IMPLEMENTING",
      },
    ];
    earlier.forEach((body, i) => {
      applyEvent(t.view, { seq: i, taskId: "T-1", runId: null, at: 0, body });
    });
    t.projector.startRun("resume", "R2", t.now());
    t.record({ type: "step.attempt", stepId: "S1", attempt: 1, implementer: "claude" });
    expect(t.projector.traceContext("T-1")).toBeDefined();
    t.projector.endRun("interrupted", t.now() + 5);

    const [task] = t.named("task.run");
    const [step] = t.named("step.run");
    const [run] = t.named("orchestrator.run");
    expect(task?.attributes).toMatchObject({
      "task.area": "api",
      "task.risk": "high",
      "result.status": "interrupted",
    });
    expect(step?.attributes).toMatchObject({
      "step.id": "S1",
      "step.type": "testing",
      "step.risk": "high",
      "result.attempt": 1,
      "result.status": "interrupted",
    });
    expect(step?.parentSpanContext?.spanId).toBe(task?.spanContext().spanId);
    expect(task?.parentSpanContext?.spanId).toBe(run?.spanContext().spanId);
    expect(t.projector.traceContext("T-1")).toBeUndefined();
  });

  it("gives each plan round its own span and closes everything on escalation", () => {
    const t = setup();
    t.record({
      type: "task.registered",
      task: {
        id: "T-1",
        goal: "g",
        risk: "low",
        area: "docs",
        repoPath: "/r",
        repo: ".",
        contextFiles: [],
        constraints: [],
        priority: 0,
        dependsOn: [],
        timeoutMs: 1000,
      },
    });
    t.move({ type: "START_PLANNING" }, "PLANNING");
    t.record({ type: "plan.recorded", plan: PLAN, author: "claude", round: 1 });
    t.move({ type: "PLAN_READY" }, "PLAN_REVIEW");
    t.move({ type: "PLAN_REVISION_REQUESTED" }, "PLANNING");
    t.record({ type: "plan.recorded", plan: PLAN, author: "claude", round: 2 });
    t.move({ type: "PLAN_READY" }, "PLAN_REVIEW");
    t.move({ type: "PLAN_APPROVED" }, "PLANNED");
    t.move({ type: "START_STEP", stepId: "S1" }, "IMPLEMENTING");
    t.move({ type: "ESCALATE", reason: "timeout", detail: "too slow" }, "AWAITING_HUMAN_REVIEW");

    const rounds = t.named("task.plan").map((s) => s.attributes["orchestrator.plan.round"]);
    expect(rounds).toEqual([1, 2]);
    const reviews = t.named("task.review_plan").map((s) => s.attributes["result.status"]);
    expect(reviews).toEqual(["retry", "success"]);
    expect(t.named("step.run")[0]?.attributes["result.status"]).toBe("human_required");
    const task = t.named("task.run")[0];
    expect(task?.attributes).toMatchObject({
      "task.area": "docs",
      "task.risk": "low",
      "result.status": "human_required",
    });
    // No root span was started: the task is a trace of its own.
    expect(task?.parentSpanContext).toBeUndefined();
    expect(t.spans().every((s) => s.spanContext().traceId === task?.spanContext().traceId)).toBe(
      true,
    );
  });
});
