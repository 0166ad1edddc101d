import type { StoredEvent } from "../../core/events.js";
import type { BudgetsConfig, NotifyConfig } from "../../core/project-config.js";
import type { TaskView } from "../../core/projection.js";
import { dayKey, monthKey, quantile } from "../../costs/index.js";
import type { Notification } from "./notification.js";

type Draft = Omit<Notification, "runId" | "at" | "link">;

const usd = (n: number): string => `$${n.toFixed(n < 1 ? 4 : 2)}`;
const secs = (ms: number): string =>
  ms < 120_000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms / 60_000)} min`;

/** Durations and costs of finished tasks or steps, for the 95th percentiles. */
interface Samples {
  readonly durations: number[];
  readonly costs: number[];
}

/**
 * Decides, event by event, what deserves a notification: a task waiting for a human, a budget
 * crossing its `warn_at` share or its limit, a task or step far slower or costlier than usual.
 * Pure bookkeeping over the events it is shown (the history first, then the live ones); keys
 * already notified in the history are not notified again.
 */
export class NotificationTriggers {
  private readonly sent = new Set<string>();
  private readonly spend = new Map<string, number>();
  private readonly taskBudget = new Map<string, number>();
  private readonly firstAt = new Map<string, number>();
  private readonly stepStart = new Map<string, number>();
  private readonly stepCost = new Map<string, number>();
  private readonly tasks: Samples = { durations: [], costs: [] };
  private readonly steps: Samples = { durations: [], costs: [] };
  private readonly taskCost = new Map<string, number>();

  constructor(
    private readonly notify: NotifyConfig,
    private readonly budgets: BudgetsConfig | undefined,
    history: readonly StoredEvent[],
  ) {
    for (const e of history) {
      if (e.body.type === "notification") this.sent.add(e.body.key);
      this.observe(e, false);
    }
  }

  /** The notifications this new event calls for (each key at most once). */
  onEvent(e: StoredEvent, view: TaskView): Draft[] {
    return this.observe(e, true, view).filter((n) => {
      if (this.sent.has(n.key)) return false;
      this.sent.add(n.key);
      return true;
    });
  }

  private observe(e: StoredEvent, live: boolean, view?: TaskView): Draft[] {
    const b = e.body;
    const out: Draft[] = [];
    if (!this.firstAt.has(e.taskId)) this.firstAt.set(e.taskId, e.at);
    switch (b.type) {
      case "task.registered":
        if (b.task.budgetUsd !== undefined) this.taskBudget.set(b.task.id, b.task.budgetUsd);
        break;
      case "model.call": {
        const step = `${e.taskId}/${b.stepId ?? "plan"}`;
        this.stepCost.set(step, (this.stepCost.get(step) ?? 0) + b.costUsd);
        this.taskCost.set(e.taskId, (this.taskCost.get(e.taskId) ?? 0) + b.costUsd);
        out.push(...this.addSpend(e, b.costUsd));
        break;
      }
      case "transition":
        if (b.event.type === "START_STEP")
          this.stepStart.set(`${e.taskId}/${b.event.stepId}`, e.at);
        if (b.to === "AWAITING_HUMAN_REVIEW" && b.event.type === "ESCALATE") {
          out.push(awaiting(e, b.event.reason, b.event.detail, view));
          if (b.event.reason === "budget") {
            out.push({
              kind: "budget_limit",
              key: `budget-limit:${e.taskId}:${e.seq}`,
              taskId: e.taskId,
              title: `${e.taskId} stopped at its budget`,
              text: b.event.detail,
              details: { scope: "call", detail: b.event.detail },
            });
          }
        }
        if (b.to === "DONE") {
          const ms = e.at - (this.firstAt.get(e.taskId) ?? e.at);
          const cost = this.taskCost.get(e.taskId) ?? 0;
          const found = this.anomaly("task", e.taskId, e.taskId, ms, cost, this.tasks);
          if (found) out.push(found);
          this.tasks.durations.push(ms);
          this.tasks.costs.push(cost);
        }
        break;
      case "step.committed": {
        const id = `${e.taskId}/${b.stepId}`;
        const start = this.stepStart.get(id);
        if (b.skipped || start === undefined) break;
        const ms = e.at - start;
        const cost = this.stepCost.get(id) ?? 0;
        const found = this.anomaly(
          "step",
          e.taskId,
          `${e.taskId} step ${b.stepId}`,
          ms,
          cost,
          this.steps,
        );
        if (found) out.push(found);
        this.steps.durations.push(ms);
        this.steps.costs.push(cost);
        break;
      }
      default:
        break;
    }
    return live ? out : [];
  }

  /** Adds a call's cost to its task, day and month; crossing `warn_at` or the limit notifies. */
  private addSpend(e: StoredEvent, costUsd: number): Draft[] {
    const warnAt = this.budgets?.warnFraction ?? 0.8;
    const scopes: { scope: string; id: string; limit: number | undefined }[] = [
      { scope: "task", id: e.taskId, limit: this.taskBudget.get(e.taskId) },
      { scope: "day", id: dayKey(e.at), limit: this.budgets?.dailyUsd },
      { scope: "month", id: monthKey(e.at), limit: this.budgets?.monthlyUsd },
    ];
    const out: Draft[] = [];
    for (const { scope, id, limit } of scopes) {
      const slot = `${scope}:${id}`;
      const before = this.spend.get(slot) ?? 0;
      const after = before + costUsd;
      this.spend.set(slot, after);
      if (limit === undefined || limit <= 0) continue;
      const details = { scope, id, spentUsd: after, limitUsd: limit, warnAt };
      if (after >= limit && before < limit) {
        out.push({
          kind: "budget_limit",
          key: `budget-limit:${slot}`,
          taskId: e.taskId,
          title: `${scope} budget ${id} reached: ${usd(after)} of ${usd(limit)}`,
          text: `Spending on ${scope} ${id} reached its limit of ${usd(limit)}; further calls wait for a human.`,
          details,
        });
      } else if (after >= warnAt * limit && before < warnAt * limit) {
        out.push({
          kind: "budget_warning",
          key: `budget-warning:${slot}`,
          taskId: e.taskId,
          title: `${scope} budget ${id} at ${Math.round((after / limit) * 100)}%: ${usd(after)} of ${usd(limit)}`,
          text: `Spending on ${scope} ${id} crossed ${Math.round(warnAt * 100)}% of its ${usd(limit)} budget.`,
          details,
        });
      }
    }
    return out;
  }

  /** A task or step whose duration or cost is above the p95 of its kind times the factor. */
  private anomaly(
    what: "task" | "step",
    taskId: string,
    label: string,
    ms: number,
    cost: number,
    history: Samples,
  ): Draft | undefined {
    if (history.durations.length < this.notify.anomalyMinSamples) return undefined;
    const factor = this.notify.anomalyFactor;
    const p95ms = quantile(history.durations, 0.95);
    const p95cost = quantile(history.costs, 0.95);
    const reasons: string[] = [];
    if (p95ms > 0 && ms > p95ms * factor) {
      reasons.push(`took ${secs(ms)}, ${(ms / p95ms).toFixed(1)}x the usual p95 of ${secs(p95ms)}`);
    }
    if (p95cost > 0 && cost > p95cost * factor) {
      reasons.push(
        `cost ${usd(cost)}, ${(cost / p95cost).toFixed(1)}x the usual p95 of ${usd(p95cost)}`,
      );
    }
    if (reasons.length === 0) return undefined;
    return {
      kind: "anomaly",
      key: `anomaly:${what}:${label}`,
      taskId,
      title: `${label} ${reasons.join(" and ")}`,
      text: `Compared with ${history.durations.length} finished ${what}s (factor ${factor}).`,
      details: {
        what,
        durationMs: ms,
        costUsd: cost,
        p95DurationMs: p95ms,
        p95CostUsd: p95cost,
        factor,
      },
    };
  }
}

function awaiting(
  e: StoredEvent,
  reason: string,
  detail: string,
  view: TaskView | undefined,
): Draft {
  const step = view?.escalation?.scope === "step" ? view.currentStepId : undefined;
  return {
    kind: "awaiting_human",
    key: `awaiting:${e.taskId}:${e.seq}`,
    taskId: e.taskId,
    title: `${e.taskId}${step === undefined ? "" : ` (${step})`} needs a human: ${reason}`,
    text: `${detail}\nDecide with: orchestrator review ${e.taskId}`,
    details: { reason, detail, step: step ?? null },
  };
}
