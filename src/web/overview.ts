import type { StoredEvent } from "../core/events.js";
import type { BudgetsConfig } from "../core/project-config.js";
import { projectTask } from "../core/projection.js";
import { TERMINAL_STATES } from "../core/state-machine.js";
import type { Task } from "../core/task.js";
import { costLedger, dayKey, monthKey } from "../costs/index.js";
import type { Overview, SpendWindow, TaskSummary } from "./api-types.js";
import { summarizeTask, taskDefinition } from "./task-summary.js";

const DAY_MS = 24 * 60 * 60 * 1000;

/** The tasks the dashboard knows: configured ones and any the store has events for. */
export interface TaskLog {
  readonly taskId: string;
  readonly task: Task | undefined;
  /** In log order. */
  readonly events: readonly StoredEvent[];
}

const TERMINAL: ReadonlySet<string> = TERMINAL_STATES;

function rank(state: string): number {
  if (state === "AWAITING_HUMAN_REVIEW") return 0;
  if (state === "NEW" || TERMINAL.has(state)) return 2;
  return 1;
}

/** Awaiting a human first, then running, then the rest; most recent activity first within each. */
export function orderTasks(rows: readonly TaskSummary[]): TaskSummary[] {
  return [...rows].sort(
    (a, b) => rank(a.state) - rank(b.state) || (b.updatedAt ?? 0) - (a.updatedAt ?? 0),
  );
}

/**
 * The overview: tasks by state, spend today (UTC), in the last 7 days and this month (UTC)
 * against the day and month budgets, and every task with its live step.
 */
export function buildOverview(
  logs: readonly TaskLog[],
  budgets: BudgetsConfig | undefined,
  now: number,
): Overview {
  const rows = logs.map((l) =>
    summarizeTask(taskDefinition(l.taskId, l.task, l.events), projectTask(l.taskId, l.events)),
  );
  const counts: Record<string, number> = {};
  for (const r of rows) counts[r.state] = (counts[r.state] ?? 0) + 1;
  const all = logs.flatMap((l) => l.events);
  const ledger = costLedger(all);
  const window = (usd: number, calls: number, limitUsd?: number): SpendWindow => ({
    usd: Math.round(usd * 1e6) / 1e6,
    calls,
    limitUsd: limitUsd ?? null,
  });
  const today = ledger.byDay[dayKey(now)];
  const month = ledger.byMonth[monthKey(now)];
  const week = costLedger(all, { since: now - 7 * DAY_MS });
  return {
    counts,
    tasks: orderTasks(rows),
    costs: {
      today: window(today?.usd ?? 0, today?.calls ?? 0, budgets?.dailyUsd),
      week: window(week.total.usd, week.total.calls),
      month: window(month?.usd ?? 0, month?.calls ?? 0, budgets?.monthlyUsd),
      total: window(ledger.total.usd, ledger.total.calls),
      warnAt: budgets?.warnFraction ?? 0.8,
    },
    lastSeq: all.reduce((max, e) => Math.max(max, e.seq), 0),
  };
}
