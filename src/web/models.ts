import type { StoredEvent } from "../core/events.js";
import type { ModelSpec } from "../core/project-config.js";
import { projectTask } from "../core/projection.js";
import { buildReport } from "../report/report.js";
import { routingHistory } from "../routing/index.js";
import type { ModelCell, ModelsView } from "./api-types.js";
import type { TaskLog } from "./overview.js";
import { taskDefinition } from "./task-summary.js";

const ROUTING_ROWS = 200;

interface CellCount {
  model: string;
  role: string;
  risk: string;
  area: string;
  attempts: number;
  successes: number;
  started: number;
  retries: number;
}

const ratio = (n: number, d: number): number | null => (d > 0 ? n / d : null);

function cellsOf(logs: readonly TaskLog[]): ModelCell[] {
  const cells = new Map<string, CellCount>();
  const slot = (model: string, role: string, risk: string, area: string): CellCount => {
    const id = [model, role, risk, area].join("\0");
    let c = cells.get(id);
    if (!c) {
      c = { model, role, risk, area, attempts: 0, successes: 0, started: 0, retries: 0 };
      cells.set(id, c);
    }
    return c;
  };
  for (const log of logs) {
    const task = taskDefinition(log.taskId, log.task, log.events);
    const risk = task?.risk ?? "unknown";
    const area = task?.area ?? "unknown";
    for (const { key, stats } of routingHistory(log.events).cells()) {
      const c = slot(key.model, key.role, key.risk, key.area);
      c.attempts += stats.attempts;
      c.successes += stats.successes;
    }
    const seen = new Set<string>();
    for (const e of log.events) {
      const b = e.body;
      const start =
        b.type === "step.attempt"
          ? {
              id: `${b.stepId}\0${b.attempt}`,
              model: b.implementer,
              role: "implementer",
              retry: b.attempt > 1,
            }
          : b.type === "plan.recorded"
            ? { id: `plan\0${b.round}`, model: b.author, role: "planner", retry: b.round > 1 }
            : undefined;
      if (!start || seen.has(start.id)) continue;
      seen.add(start.id);
      const c = slot(start.model, start.role, risk, area);
      c.started += 1;
      if (start.retry) c.retries += 1;
    }
  }
  return [...cells.values()]
    .map((c) => ({
      model: c.model,
      role: c.role,
      risk: c.risk,
      area: c.area,
      attempts: c.attempts,
      successes: c.successes,
      successRate: ratio(c.successes, c.attempts),
      retries: c.retries,
      retryRate: ratio(c.retries, c.started),
    }))
    .sort((a, b) => a.model.localeCompare(b.model) || a.role.localeCompare(b.role));
}

/** DONE tasks grouped by the model that implemented most of their attempts. */
function costPerDone(logs: readonly TaskLog[]): ModelsView["costPerDone"] {
  const groups = new Map<string, { tasks: number; usd: number }>();
  for (const log of logs) {
    const view = projectTask(log.taskId, log.events);
    if (view.status !== "DONE") continue;
    const votes = new Map<string, number>();
    for (const e of log.events) {
      if (e.body.type === "step.attempt")
        votes.set(e.body.implementer, (votes.get(e.body.implementer) ?? 0) + 1);
    }
    const model = [...votes.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? "none";
    const g = groups.get(model) ?? { tasks: 0, usd: 0 };
    g.tasks += 1;
    g.usd += view.costUsd;
    groups.set(model, g);
  }
  return [...groups.entries()].map(([model, g]) => ({
    model,
    tasks: g.tasks,
    avgUsd: g.usd / g.tasks,
  }));
}

/**
 * The models page: the `report` numbers (same function), success and retry rates per model,
 * role, risk and area, cost per DONE task, call latencies and the routing decisions with reasons.
 */
export function buildModels(logs: readonly TaskLog[], baseline: ModelSpec): ModelsView {
  const events: StoredEvent[] = logs.flatMap((l) => l.events).sort((a, b) => a.seq - b.seq);
  const latency = new Map<string, number[]>();
  const routing: ModelsView["routing"][number][] = [];
  for (const e of events) {
    const b = e.body;
    if (b.type === "model.call" && b.ok) {
      const list = latency.get(b.model) ?? [];
      list.push(b.durationMs);
      latency.set(b.model, list);
    } else if (b.type === "routing.decision") {
      routing.push({
        seq: e.seq,
        at: e.at,
        taskId: e.taskId,
        role: b.role,
        model: b.model,
        stepId: b.stepId ?? null,
        reason: b.reason,
      });
    }
  }
  const report = buildReport(events, { by: "model", baseline });
  return {
    report: { total: report.total, groups: report.groups, baseline: report.baseline },
    cells: cellsOf(logs),
    costPerDone: costPerDone(logs),
    latency: [...latency.entries()].map(([model, durationsMs]) => ({ model, durationsMs })),
    routing: routing.slice(-ROUTING_ROWS).reverse(),
  };
}
