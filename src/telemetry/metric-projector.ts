import { ValueType } from "@opentelemetry/api";
import type { Counter, Histogram, Meter, MetricOptions } from "@opentelemetry/api";
import type { EventBody, StoredEvent } from "../core/events.js";
import type { TaskView } from "../core/projection.js";
import type { TaskState } from "../core/state-machine.js";
import type { TaskBook } from "./task-book.js";
import { ATTR, genAiProviderName, outcomeOf, stageOf, taskOutcome } from "./vocabulary.js";

type Body<T extends EventBody["type"]> = Extract<EventBody, { type: T }>;

/** Boundaries from the GenAI conventions' advice for the two `gen_ai.client.*` histograms. */
const TOKEN_BUCKETS = [
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
];
const CALL_SECONDS_BUCKETS = [
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92, 163.84,
  327.68, 655.36, 1310.72,
];
/** Tasks and stages take seconds to hours. */
const LONG_SECONDS_BUCKETS = [
  1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 14400, 28800,
];
const COST_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 25, 50, 100];

const TERMINAL: ReadonlySet<TaskState> = new Set(["DONE", "FAILED", "ABORTED"]);

/**
 * The seed's metrics (names and labels as it wrote them) and the GenAI client histograms,
 * counted from the engine's events. Labels: `model` is the configured model name (the key
 * under `models:`), `provider` the provider kind (`claude-cli`, `anthropic`, ...).
 */
export class MetricProjector {
  private readonly tasks: Counter;
  private readonly taskDuration: Histogram;
  private readonly taskCost: Histogram;
  private readonly steps: Counter;
  private readonly stageDuration: Histogram;
  private readonly rejections: Counter;
  private readonly llmCalls: Counter;
  private readonly llmTokens: Counter;
  private readonly llmCost: Counter;
  private readonly gateRuns: Counter;
  private readonly regressions: Counter;
  private readonly routing: Counter;
  private readonly tokenUsage: Histogram;
  private readonly operationDuration: Histogram;
  /** When each task entered its current stage, if this process saw it happen. */
  private readonly stageEntered = new Map<string, number>();

  constructor(
    meter: Meter,
    private readonly book: TaskBook,
  ) {
    const count = (name: string, description: string, unit?: string): Counter =>
      meter.createCounter(name, {
        description,
        valueType: ValueType.INT,
        ...(unit === undefined ? {} : { unit }),
      } satisfies MetricOptions);
    const seconds = (name: string, description: string, buckets: number[]): Histogram =>
      meter.createHistogram(name, {
        description,
        unit: "s",
        advice: { explicitBucketBoundaries: buckets },
      });
    this.tasks = count(
      "orchestrator_tasks_total",
      "Tasks that ended or stopped for a human, by status",
    );
    this.taskDuration = seconds(
      "orchestrator_task_duration_seconds",
      "Time from a task's first event to DONE, FAILED or ABORTED",
      LONG_SECONDS_BUCKETS,
    );
    this.taskCost = meter.createHistogram("orchestrator_task_cost_usd", {
      description: "Model cost of a whole task, recorded when it is DONE, FAILED or ABORTED",
      advice: { explicitBucketBoundaries: COST_BUCKETS },
    });
    this.steps = count(
      "orchestrator_steps_total",
      "Pipeline stage runs (plan, plan_review, implement, code_review, quality_gate)",
    );
    this.stageDuration = seconds(
      "orchestrator_stage_duration_seconds",
      "Time spent in a pipeline stage, per visit",
      LONG_SECONDS_BUCKETS,
    );
    this.rejections = count(
      "orchestrator_step_rejections_total",
      "Implementation attempts sent back to the implementer model, by who sent them",
    );
    this.llmCalls = count("orchestrator_llm_calls_total", "Model calls");
    this.llmTokens = count(
      "orchestrator_llm_tokens_total",
      "Tokens by type: input (not cached), output, cache_read, cache_write",
      "{token}",
    );
    this.llmCost = meter.createCounter("orchestrator_llm_cost_usd", {
      description: "Model cost in US dollars",
    });
    this.gateRuns = count("orchestrator_quality_gate_runs_total", "Quality gate runs by result");
    this.regressions = count(
      "orchestrator_quality_regressions_total",
      "Failed quality-gate checks, by check name",
    );
    this.routing = count(
      "orchestrator_model_routing",
      "Routing decisions: which model was chosen for which role",
    );
    this.tokenUsage = meter.createHistogram("gen_ai.client.token.usage", {
      description: "Tokens per model call",
      unit: "{token}",
      valueType: ValueType.INT,
      advice: { explicitBucketBoundaries: TOKEN_BUCKETS },
    });
    this.operationDuration = seconds(
      "gen_ai.client.operation.duration",
      "Duration of a model call",
      CALL_SECONDS_BUCKETS,
    );
  }

  onEvent(e: StoredEvent, view: TaskView): void {
    const b = e.body;
    switch (b.type) {
      case "transition":
        this.transition(e, b, view);
        break;
      case "model.call":
        this.modelCall(b);
        break;
      case "gate.finished":
        this.gateRuns.add(1, { status: b.passed ? "passed" : "failed" });
        for (const check of b.checks) {
          if (!check.passed) this.regressions.add(1, { type: check.name });
        }
        break;
      case "implementation.recorded":
        if (!b.ok) {
          this.steps.add(1, { type: "implement", status: "retry" });
          this.reject(view, "edit_errors");
        }
        break;
      case "routing.decision": {
        const info = this.book.get(e.taskId);
        this.routing.add(1, {
          role: b.role,
          model: b.model,
          task_risk: info.risk,
          task_area: info.area,
        });
        break;
      }
      default:
        break;
    }
  }

  private transition(e: StoredEvent, b: Body<"transition">, view: TaskView): void {
    const stage = stageOf(b.from);
    if (stage !== undefined) {
      const status = outcomeOf(b.event.type);
      this.steps.add(1, { type: stage, status });
      const entered = this.stageEntered.get(e.taskId);
      if (entered !== undefined)
        this.stageDuration.record((e.at - entered) / 1000, { type: stage });
      if (stage === "code_review" && (status === "retry" || status === "human_required")) {
        this.reject(view, "code_review");
      }
      if (stage === "quality_gate" && (status === "retry" || status === "human_required")) {
        this.reject(view, "quality_gate");
      }
    }
    if (stageOf(b.to) === undefined) this.stageEntered.delete(e.taskId);
    else this.stageEntered.set(e.taskId, e.at);
    const outcome = taskOutcome(b.to);
    if (outcome === undefined) return;
    this.tasks.add(1, { status: outcome });
    if (!TERMINAL.has(b.to)) return;
    const info = this.book.get(e.taskId);
    const labels = { status: outcome, task_risk: info.risk, task_area: info.area };
    if (view.startedAt !== undefined) {
      this.taskDuration.record((e.at - view.startedAt) / 1000, labels);
    }
    this.taskCost.record(view.costUsd, labels);
  }

  private reject(view: TaskView, type: "code_review" | "quality_gate" | "edit_errors"): void {
    this.rejections.add(1, { model: view.lastImplementer ?? "unknown", type });
  }

  private modelCall(b: Body<"model.call">): void {
    const labels = { provider: b.provider, model: b.model, role: b.role };
    this.llmCalls.add(1, labels);
    this.llmCost.add(b.costUsd, labels);
    const tokens = {
      input: b.usage.input,
      output: b.usage.output,
      cache_read: b.usage.cacheRead,
      cache_write: b.usage.cacheWrite,
    };
    for (const [type, n] of Object.entries(tokens)) {
      if (n > 0) this.llmTokens.add(n, { ...labels, type });
    }
    const genAi = {
      [ATTR.genAiOperation]: "chat",
      [ATTR.genAiProvider]: genAiProviderName(b.provider, b.family),
      [ATTR.genAiRequestModel]: b.modelId,
    };
    this.operationDuration.record(
      b.durationMs / 1000,
      b.ok ? genAi : { ...genAi, [ATTR.errorType]: "model_error" },
    );
    if (!b.ok) return;
    const input = b.usage.input + b.usage.cacheRead + b.usage.cacheWrite;
    this.tokenUsage.record(input, { ...genAi, [ATTR.genAiTokenType]: "input" });
    this.tokenUsage.record(b.usage.output, { ...genAi, [ATTR.genAiTokenType]: "output" });
  }
}
