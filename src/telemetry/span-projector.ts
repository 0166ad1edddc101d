import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import type { Attributes, Context, Span, Tracer } from "@opentelemetry/api";
import type { EventBody, StoredEvent } from "../core/events.js";
import type { TaskView } from "../core/projection.js";
import type { TaskState } from "../core/state-machine.js";
import type { TaskBook } from "./task-book.js";
import type { TraceContext } from "./types.js";
import { ATTR, genAiProviderName, outcomeOf, taskOutcome } from "./vocabulary.js";
import type { Outcome } from "./vocabulary.js";

type Body<T extends EventBody["type"]> = Extract<EventBody, { type: T }>;

/** An open span that sums the cost of the model calls beneath it. */
interface Container {
  readonly span: Span;
  costUsd: number;
}
interface PhaseSpan extends Container {
  readonly state: "PLANNING" | "PLAN_REVIEW";
}
interface StepSpan extends Container {
  readonly stepId: string;
}
interface TaskSpans {
  readonly task: Container;
  phase?: PhaseSpan | undefined;
  step?: StepSpan | undefined;
}

const PHASE_NAMES = { PLANNING: "task.plan", PLAN_REVIEW: "task.review_plan" } as const;
const STEP_STATES: ReadonlySet<TaskState> = new Set([
  "IMPLEMENTING",
  "CODE_REVIEW",
  "QUALITY_GATE",
  "STEP_COMPLETE",
]);

const time = (at: number): Date => new Date(at);

function finish(c: Container, outcome: Outcome, at: number, extra: Attributes = {}): void {
  c.span.setAttributes({ [ATTR.resultStatus]: outcome, [ATTR.costUsd]: c.costUsd, ...extra });
  if (outcome === "fail") c.span.setStatus({ code: SpanStatusCode.ERROR });
  c.span.end(time(at));
}

/** The W3C trace context of a span. */
export function contextOf(span: Span): TraceContext {
  const { traceId, spanId, traceFlags } = span.spanContext();
  const flags = (traceFlags & 0xff).toString(16).padStart(2, "0");
  return { traceId, spanId, traceparent: `00-${traceId}-${spanId}-${flags}` };
}

/**
 * Turns the engine's events into the seed's span tree, live: `orchestrator.run` > `task.run` >
 * `task.plan` | `task.review_plan` | `step.run` > `chat <model>` | `quality_gate.run`. Spans get
 * the times recorded in the events, so a model call's span covers the call itself.
 */
export class SpanProjector {
  private run: Span | undefined;
  private readonly tasks = new Map<string, TaskSpans>();

  constructor(
    private readonly tracer: Tracer,
    private readonly book: TaskBook,
    private readonly captureContent: boolean,
  ) {}

  startRun(command: string, runId: string, at: number): void {
    if (this.run) this.endRun("superseded", at);
    this.run = this.tracer.startSpan(
      "orchestrator.run",
      { startTime: time(at), attributes: { [ATTR.command]: command, [ATTR.runId]: runId } },
      ROOT_CONTEXT,
    );
  }

  /** Ends every open task span as interrupted, then the root span. */
  endRun(status: string, at: number): void {
    for (const [taskId, spans] of this.tasks) this.closeTask(taskId, spans, "interrupted", at);
    if (!this.run) return;
    this.run.setAttribute(ATTR.resultStatus, status);
    if (status === "failed") this.run.setStatus({ code: SpanStatusCode.ERROR });
    this.run.end(time(at));
    this.run = undefined;
  }

  traceContext(taskId?: string): TraceContext | undefined {
    const spans = taskId === undefined ? undefined : this.tasks.get(taskId);
    const span = spans?.step?.span ?? spans?.phase?.span ?? spans?.task.span ?? this.run;
    return span === undefined ? undefined : contextOf(span);
  }

  onEvent(e: StoredEvent, view: TaskView): void {
    const spans = this.openTask(e, view);
    const b = e.body;
    switch (b.type) {
      case "task.registered":
        spans.task.span.setAttributes({
          [ATTR.taskArea]: b.task.area,
          [ATTR.taskRisk]: b.task.risk,
        });
        break;
      case "transition":
        if (this.onTransition(e.taskId, spans, b, view, e.at)) return;
        break;
      case "model.call":
        this.modelCall(e.taskId, spans, b, e.at);
        break;
      case "gate.finished":
        this.gate(e.taskId, spans, b, e.at);
        break;
      case "step.attempt":
        spans.step?.span.setAttributes({
          [ATTR.resultAttempt]: b.attempt,
          [ATTR.implementer]: b.implementer,
        });
        this.annotate(spans, e, { [ATTR.resultAttempt]: b.attempt, [ATTR.model]: b.implementer });
        break;
      case "step.committed":
        if (spans.step?.stepId === b.stepId) {
          finish(spans.step, b.skipped ? "skipped" : "success", e.at, { [ATTR.commit]: b.sha });
          spans.step = undefined;
        }
        break;
      case "workspace.created":
        spans.task.span.setAttribute(ATTR.branch, b.branch);
        break;
      case "routing.decision":
        this.annotate(spans, e, {
          [ATTR.llmRole]: b.role,
          [ATTR.model]: b.model,
          "orchestrator.routing.reason": b.reason,
        });
        break;
      case "plan.recorded":
        this.annotate(spans, e, {
          [ATTR.planRound]: b.round,
          "orchestrator.plan.steps": b.plan.steps.length,
        });
        break;
      case "plan.reviewed":
        this.annotate(spans, e, {
          "orchestrator.review.status": b.review.status,
          [ATTR.model]: b.reviewer,
        });
        break;
      case "code.reviewed":
        this.annotate(spans, e, {
          "orchestrator.review.status": b.review.status,
          [ATTR.model]: b.reviewer,
          [ATTR.resultAttempt]: b.attempt,
        });
        break;
      case "implementation.recorded":
        this.annotate(spans, e, {
          "orchestrator.implementation.ok": b.ok,
          "orchestrator.implementation.files_changed": b.filesChanged.length,
          [ATTR.resultAttempt]: b.attempt,
        });
        break;
      case "note":
        this.annotate(spans, e, {
          "orchestrator.note.level": b.level,
          "orchestrator.note": b.message,
        });
        break;
      default:
        break;
    }
    this.reconcile(spans, view, e.at);
  }

  private openTask(e: StoredEvent, view: TaskView): TaskSpans {
    let spans = this.tasks.get(e.taskId);
    if (spans) return spans;
    const info = this.book.get(e.taskId);
    const span = this.tracer.startSpan(
      "task.run",
      {
        startTime: time(e.at),
        attributes: {
          [ATTR.taskId]: e.taskId,
          [ATTR.taskArea]: info.area,
          [ATTR.taskRisk]: info.risk,
          ...(e.runId === null ? {} : { [ATTR.runId]: e.runId }),
          ...(view.workspace ? { [ATTR.branch]: view.workspace.branch } : {}),
        },
      },
      this.parentContext(this.run),
    );
    spans = { task: { span, costUsd: 0 } };
    this.tasks.set(e.taskId, spans);
    return spans;
  }

  private parentContext(parent: Span | undefined): Context {
    return parent === undefined ? ROOT_CONTEXT : trace.setSpan(ROOT_CONTEXT, parent);
  }

  /** Closes what the transition ends; returns true when it ended the task itself. */
  private onTransition(
    taskId: string,
    spans: TaskSpans,
    b: Body<"transition">,
    view: TaskView,
    at: number,
  ): boolean {
    const outcome = outcomeOf(b.event.type);
    if (spans.phase && spans.phase.state !== b.to) {
      finish(spans.phase, outcome, at);
      spans.phase = undefined;
    }
    const nextStep = b.event.type === "START_STEP" ? b.event.stepId : spans.step?.stepId;
    if (spans.step && (!STEP_STATES.has(b.to) || nextStep !== spans.step.stepId)) {
      finish(spans.step, outcome, at);
      spans.step = undefined;
    }
    const ended = taskOutcome(b.to);
    if (ended === undefined) return false;
    spans.task.costUsd = view.costUsd;
    this.closeTask(taskId, spans, ended, at);
    return true;
  }

  private closeTask(taskId: string, spans: TaskSpans, outcome: Outcome, at: number): void {
    if (spans.step) finish(spans.step, outcome, at);
    if (spans.phase) finish(spans.phase, outcome, at);
    finish(spans.task, outcome, at);
    this.tasks.delete(taskId);
  }

  /** Opens the phase or step span the task's state calls for (also for resumed tasks). */
  private reconcile(spans: TaskSpans, view: TaskView, at: number): void {
    if (!this.tasks.has(view.taskId)) return;
    spans.task.costUsd = view.costUsd;
    const state = view.status;
    if (!spans.phase && (state === "PLANNING" || state === "PLAN_REVIEW")) {
      spans.phase = {
        state,
        costUsd: 0,
        span: this.tracer.startSpan(
          PHASE_NAMES[state],
          {
            startTime: time(at),
            attributes: {
              [ATTR.taskId]: view.taskId,
              [ATTR.planRound]: state === "PLANNING" ? view.planRound + 1 : view.planRound,
            },
          },
          this.parentContext(spans.task.span),
        ),
      };
    }
    const step = view.steps.find((s) => s.id === view.currentStepId);
    const stepOpen = step !== undefined && step.status !== "committed" && step.status !== "skipped";
    if (!spans.step && STEP_STATES.has(state) && stepOpen) {
      const planned = view.plan?.steps.find((s) => s.id === step.id);
      spans.step = {
        stepId: step.id,
        costUsd: 0,
        span: this.tracer.startSpan(
          "step.run",
          {
            startTime: time(at),
            attributes: {
              [ATTR.taskId]: view.taskId,
              [ATTR.stepId]: step.id,
              [ATTR.stepType]: step.type,
              ...(planned ? { "step.risk": planned.risk } : {}),
              ...(step.currentAttempt > 0 ? { [ATTR.resultAttempt]: step.currentAttempt } : {}),
            },
          },
          this.parentContext(spans.task.span),
        ),
      };
    }
  }

  /** Adds a span event to the innermost open span of the task. */
  private annotate(spans: TaskSpans, e: StoredEvent, attributes: Attributes): void {
    const target = spans.step ?? spans.phase ?? spans.task;
    target.span.addEvent(e.body.type, attributes, time(e.at));
  }

  private modelCall(taskId: string, spans: TaskSpans, b: Body<"model.call">, at: number): void {
    const planning = b.role === "planner" || b.role === "plan_reviewer";
    const step =
      spans.step && (b.stepId === undefined || b.stepId === spans.step.stepId)
        ? spans.step
        : undefined;
    const parent = (planning ? spans.phase : step) ?? spans.task;
    parent.costUsd += b.costUsd;
    const input = b.usage.input + b.usage.cacheRead + b.usage.cacheWrite;
    const attributes: Attributes = {
      [ATTR.genAiOperation]: "chat",
      [ATTR.taskId]: taskId,
      [ATTR.genAiProvider]: genAiProviderName(b.provider, b.family),
      [ATTR.genAiRequestModel]: b.modelId,
      [ATTR.genAiInputTokens]: input,
      [ATTR.genAiOutputTokens]: b.usage.output,
      [ATTR.genAiCacheRead]: b.usage.cacheRead,
      [ATTR.genAiCacheCreation]: b.usage.cacheWrite,
      [ATTR.llmProvider]: b.provider,
      [ATTR.llmModelName]: b.modelId,
      [ATTR.llmRole]: b.role,
      [ATTR.llmPromptTokens]: input,
      [ATTR.llmCompletionTokens]: b.usage.output,
      [ATTR.model]: b.model,
      [ATTR.costUsd]: b.costUsd,
      [ATTR.resultStatus]: b.ok ? "success" : "fail",
      ...(b.ok ? { [ATTR.genAiResponseModel]: b.modelId } : { [ATTR.errorType]: "model_error" }),
      ...(b.stepId === undefined ? {} : { [ATTR.stepId]: b.stepId }),
      ...(b.attempt === undefined ? {} : { [ATTR.resultAttempt]: b.attempt }),
      ...(this.captureContent ? contentAttributes(b) : {}),
    };
    const span = this.tracer.startSpan(
      `chat ${b.modelId}`,
      { kind: SpanKind.CLIENT, startTime: time(at - b.durationMs), attributes },
      this.parentContext(parent.span),
    );
    if (!b.ok)
      span.setStatus({ code: SpanStatusCode.ERROR, message: b.error ?? "model call failed" });
    span.end(time(at));
  }

  private gate(taskId: string, spans: TaskSpans, b: Body<"gate.finished">, at: number): void {
    const parent = spans.step?.stepId === b.stepId ? spans.step : spans.task;
    const total = b.checks.reduce((sum, c) => sum + c.durationMs, 0);
    const failed = b.checks.filter((c) => !c.passed).map((c) => c.name);
    const gate = this.tracer.startSpan(
      "quality_gate.run",
      {
        startTime: time(at - total),
        attributes: {
          [ATTR.taskId]: taskId,
          [ATTR.stepId]: b.stepId,
          [ATTR.resultAttempt]: b.attempt,
          [ATTR.resultStatus]: b.passed ? "success" : "fail",
          [ATTR.gateLevel]: b.level,
          "orchestrator.quality_gate.failed_checks": failed,
        },
      },
      this.parentContext(parent.span),
    );
    // Checks run one after another; lay their spans out in that order.
    let start = at - total;
    for (const check of b.checks) {
      const span = this.tracer.startSpan(
        "quality_gate.check",
        {
          startTime: time(start),
          attributes: {
            [ATTR.checkName]: check.name,
            [ATTR.resultStatus]: check.passed ? "success" : "fail",
            "orchestrator.quality_gate.timed_out": check.timedOut,
            ...(check.exitCode === null ? {} : { "process.exit.code": check.exitCode }),
          },
        },
        trace.setSpan(ROOT_CONTEXT, gate),
      );
      if (!check.passed)
        span.setStatus({ code: SpanStatusCode.ERROR, message: check.summary.slice(0, 500) });
      start += check.durationMs;
      span.end(time(start));
    }
    if (!b.passed)
      gate.setStatus({ code: SpanStatusCode.ERROR, message: `failed: ${failed.join(", ")}` });
    gate.end(time(at));
  }
}

/** The GenAI conventions' message attributes (opt-in): the prompt as one user message. */
function contentAttributes(b: Body<"model.call">): Attributes {
  const text = (content: string) => [{ type: "text", content }];
  return {
    [ATTR.genAiInputMessages]: JSON.stringify([{ role: "user", parts: text(b.prompt) }]),
    [ATTR.genAiOutputMessages]: JSON.stringify(
      b.ok ? [{ role: "assistant", parts: text(b.response), finish_reason: "stop" }] : [],
    ),
  };
}
