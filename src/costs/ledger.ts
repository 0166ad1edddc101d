import type { StoredEvent, TokenUsage } from "../core/events.js";
import type { ModelSpec } from "../core/project-config.js";
import type { Role } from "../core/task.js";
import { costOf } from "./price.js";

/** Sums over a group of model calls. */
export interface LedgerTotals {
  usd: number;
  calls: number;
  tokens: TokenUsage;
  durationMs: number;
}

/** One model call as the ledger sees it. */
export interface LedgerCall {
  readonly seq: number;
  readonly at: number;
  readonly taskId: string;
  readonly stepId?: string;
  readonly attempt?: number;
  readonly role: Role;
  readonly model: string;
  readonly area: string;
  readonly usd: number;
  readonly usage: TokenUsage;
  readonly durationMs: number;
}

/** Spend grouped every way the report and the budgets need. Day and month keys are UTC. */
export interface CostLedger {
  readonly total: LedgerTotals;
  readonly calls: readonly LedgerCall[];
  /** Key `taskId/stepId`; calls outside a step (planning) under `taskId/plan`. */
  readonly byStep: Readonly<Record<string, LedgerTotals>>;
  readonly byTask: Readonly<Record<string, LedgerTotals>>;
  /** Key `YYYY-MM-DD` (UTC). */
  readonly byDay: Readonly<Record<string, LedgerTotals>>;
  /** Key `YYYY-MM` (UTC). */
  readonly byMonth: Readonly<Record<string, LedgerTotals>>;
  readonly byModel: Readonly<Record<string, LedgerTotals>>;
  readonly byRole: Readonly<Record<string, LedgerTotals>>;
  /** The task's area; `unknown` when the task's registration is not among the events. */
  readonly byArea: Readonly<Record<string, LedgerTotals>>;
}

export interface LedgerOptions {
  /** Only calls at or after this time (ms since the epoch). */
  readonly since?: number;
  /** Only calls before this time. */
  readonly until?: number;
}

/** The UTC day of a timestamp, `YYYY-MM-DD`. */
export function dayKey(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}

/** The UTC month of a timestamp, `YYYY-MM`. */
export function monthKey(at: number): string {
  return new Date(at).toISOString().slice(0, 7);
}

/** Key of a step in {@link CostLedger.byStep}. */
export function stepKey(taskId: string, stepId: string | undefined): string {
  return `${taskId}/${stepId ?? "plan"}`;
}

export function emptyTotals(): LedgerTotals {
  return {
    usd: 0,
    calls: 0,
    tokens: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 },
    durationMs: 0,
  };
}

function addTo(groups: Map<string, LedgerTotals>, key: string, call: LedgerCall): void {
  let totals = groups.get(key);
  if (!totals) {
    totals = emptyTotals();
    groups.set(key, totals);
  }
  totals.usd += call.usd;
  totals.calls += 1;
  totals.durationMs += call.durationMs;
  totals.tokens.input += call.usage.input;
  totals.tokens.output += call.usage.output;
  totals.tokens.cacheRead += call.usage.cacheRead;
  totals.tokens.cacheWrite += call.usage.cacheWrite;
}

/** The model calls among events of any number of tasks, in log order, with their task's area. */
export function ledgerCalls(
  events: readonly StoredEvent[],
  options: LedgerOptions = {},
): LedgerCall[] {
  const areas = new Map<string, string>();
  const calls: LedgerCall[] = [];
  for (const e of events) {
    const body = e.body;
    if (body.type === "task.registered") areas.set(e.taskId, body.task.area);
    if (body.type !== "model.call") continue;
    if (options.since !== undefined && e.at < options.since) continue;
    if (options.until !== undefined && e.at >= options.until) continue;
    calls.push({
      seq: e.seq,
      at: e.at,
      taskId: e.taskId,
      ...(body.stepId === undefined ? {} : { stepId: body.stepId }),
      ...(body.attempt === undefined ? {} : { attempt: body.attempt }),
      role: body.role,
      model: body.model,
      area: areas.get(e.taskId) ?? "unknown",
      usd: body.costUsd,
      usage: body.usage,
      durationMs: body.durationMs,
    });
  }
  return calls;
}

const sortedRecord = (groups: Map<string, LedgerTotals>): Record<string, LedgerTotals> =>
  Object.fromEntries([...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

/**
 * The cost ledger: a projection of the event log (any number of tasks) into spend per call,
 * step, task, UTC day and month, model, role and area. `model.call` events carry the cost as
 * recorded at the time (the vendor's figure when it gave one), so nothing is re-priced here.
 */
export function costLedger(
  events: readonly StoredEvent[],
  options: LedgerOptions = {},
): CostLedger {
  const calls = ledgerCalls(events, options);
  const total = emptyTotals();
  const groups = {
    byStep: new Map<string, LedgerTotals>(),
    byTask: new Map<string, LedgerTotals>(),
    byDay: new Map<string, LedgerTotals>(),
    byMonth: new Map<string, LedgerTotals>(),
    byModel: new Map<string, LedgerTotals>(),
    byRole: new Map<string, LedgerTotals>(),
    byArea: new Map<string, LedgerTotals>(),
  };
  const totalMap = new Map([["", total]]);
  for (const call of calls) {
    addTo(totalMap, "", call);
    addTo(groups.byStep, stepKey(call.taskId, call.stepId), call);
    addTo(groups.byTask, call.taskId, call);
    addTo(groups.byDay, dayKey(call.at), call);
    addTo(groups.byMonth, monthKey(call.at), call);
    addTo(groups.byModel, call.model, call);
    addTo(groups.byRole, call.role, call);
    addTo(groups.byArea, call.area, call);
  }
  return {
    total,
    calls,
    byStep: sortedRecord(groups.byStep),
    byTask: sortedRecord(groups.byTask),
    byDay: sortedRecord(groups.byDay),
    byMonth: sortedRecord(groups.byMonth),
    byModel: sortedRecord(groups.byModel),
    byRole: sortedRecord(groups.byRole),
    byArea: sortedRecord(groups.byArea),
  };
}

/** What the recorded calls cost against what the same tokens would have cost on one model. */
export interface Savings {
  readonly actualUsd: number;
  readonly baselineUsd: number;
  /** `baselineUsd - actualUsd`; negative when the baseline would have been cheaper. */
  readonly savedUsd: number;
  /** `savedUsd / baselineUsd`, or null when the baseline costs nothing. */
  readonly savedFraction: number | null;
  readonly baselineModel: string;
}

/**
 * The saving against a single-model baseline (the seed compares with Claude-only): every
 * recorded call's normalised token counts, cache reads and writes included, priced on the
 * baseline model. It assumes the baseline would have needed the same tokens and attempts.
 */
export function savingsVsBaseline(
  events: readonly StoredEvent[],
  baselineModel: ModelSpec,
  options: LedgerOptions = {},
): Savings {
  let actualUsd = 0;
  let baselineUsd = 0;
  for (const call of ledgerCalls(events, options)) {
    actualUsd += call.usd;
    baselineUsd += costOf(call.usage, baselineModel.price);
  }
  const savedUsd = baselineUsd - actualUsd;
  return {
    actualUsd,
    baselineUsd,
    savedUsd,
    savedFraction: baselineUsd > 0 ? savedUsd / baselineUsd : null,
    baselineModel: baselineModel.name,
  };
}
