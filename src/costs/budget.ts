import type { StoredEvent } from "../core/events.js";
import type { Clock } from "../core/ports.js";
import { costLedger, dayKey, monthKey } from "./ledger.js";

/** Spending limits in USD; an omitted limit is no limit. */
export interface BudgetLimits {
  readonly dailyUsd?: number | undefined;
  readonly monthlyUsd?: number | undefined;
  /** Fraction of a limit at which a warning is given, once per scope; default 0.8. */
  readonly warnFraction?: number | undefined;
}

export type BudgetScopeKind = "task" | "day" | "month";

/** What a call is charged to: its task (with the task's `budget_usd`) and the current day and month. */
export interface BudgetScope {
  readonly taskId: string;
  readonly taskBudgetUsd?: number | undefined;
}

/** Money set aside for a call in flight; settle it with the actual cost once the call is done. */
export interface Reservation {
  readonly id: number;
  readonly taskId: string;
  readonly estimateUsd: number;
  readonly day: string;
  readonly month: string;
}

/** A limit crossed its warning threshold; given once per task, day or month. */
export interface BudgetWarning {
  readonly scope: BudgetScopeKind;
  /** The task id, day (`YYYY-MM-DD`) or month (`YYYY-MM`). */
  readonly key: string;
  readonly limitUsd: number;
  readonly spentUsd: number;
  readonly message: string;
}

/** A call that may not be made: the task should wait for a human with the reason "budget". */
export interface BudgetRefusal {
  readonly ok: false;
  readonly reason: "budget";
  readonly scope: BudgetScopeKind;
  readonly key: string;
  readonly limitUsd: number;
  readonly spentUsd: number;
  readonly reservedUsd: number;
  readonly estimateUsd: number;
  readonly detail: string;
  readonly warnings: readonly BudgetWarning[];
}

export type ReserveResult =
  | {
      readonly ok: true;
      readonly reservation: Reservation;
      readonly warnings: readonly BudgetWarning[];
    }
  | BudgetRefusal;

/** Spend already made, e.g. from {@link costLedger}. */
export interface InitialSpend {
  readonly byTask?: Readonly<Record<string, { usd: number }>>;
  readonly byDay?: Readonly<Record<string, { usd: number }>>;
  readonly byMonth?: Readonly<Record<string, { usd: number }>>;
}

const usd = (n: number): string => `$${n.toFixed(n < 1 ? 4 : 2)}`;

function toMap(record: Readonly<Record<string, { usd: number }>> | undefined): Map<string, number> {
  return new Map(Object.entries(record ?? {}).map(([k, v]) => [k, v.usd]));
}

/**
 * Budgets per task (`budget_usd`), per UTC day and per UTC month, checked BEFORE each call:
 * `reserve` an estimate (refused when spent + reserved + estimate would pass a limit), make the
 * call, then `settle` with the actual cost. Pure apart from the injected clock; one guard serves
 * every task of a process, so concurrent calls see each other's reservations.
 */
export class BudgetGuard {
  private readonly spent: Record<BudgetScopeKind, Map<string, number>>;
  private readonly open = new Map<number, Reservation>();
  private readonly taskLimits = new Map<string, number>();
  private readonly warned = new Set<string>();
  private nextId = 1;

  constructor(
    private readonly limits: BudgetLimits,
    private readonly clock: Clock,
    initial: InitialSpend = {},
  ) {
    this.spent = {
      task: toMap(initial.byTask),
      day: toMap(initial.byDay),
      month: toMap(initial.byMonth),
    };
  }

  /** A guard whose spend so far is what the event log records. */
  static fromEvents(
    events: readonly StoredEvent[],
    limits: BudgetLimits,
    clock: Clock,
  ): BudgetGuard {
    return new BudgetGuard(limits, clock, costLedger(events));
  }

  /** Sets money aside for a call, or refuses it when a limit would be passed. */
  reserve(estimateUsd: number, scope: BudgetScope): ReserveResult {
    const now = this.clock.now();
    const keys = { task: scope.taskId, day: dayKey(now), month: monthKey(now) };
    if (scope.taskBudgetUsd !== undefined) this.taskLimits.set(scope.taskId, scope.taskBudgetUsd);
    const warnings = this.warnings(keys);
    const estimate = Math.max(0, estimateUsd);
    for (const kind of ["task", "day", "month"] as const) {
      const limit = this.limitOf(kind, keys.task);
      if (limit === undefined) continue;
      const spentUsd = this.spentOn(kind, keys[kind]);
      const reservedUsd = this.reservedOn(kind, keys[kind]);
      if (spentUsd + reservedUsd + estimate > limit) {
        return {
          ok: false,
          reason: "budget",
          scope: kind,
          key: keys[kind],
          limitUsd: limit,
          spentUsd,
          reservedUsd,
          estimateUsd: estimate,
          detail:
            `${kind} budget ${usd(limit)} (${kind === "task" ? "task " : ""}${keys[kind]}): ` +
            `spent ${usd(spentUsd)}, reserved ${usd(reservedUsd)}, this call needs about ` +
            `${usd(estimate)}; the call was not made`,
          warnings,
        };
      }
    }
    const reservation: Reservation = {
      id: this.nextId++,
      taskId: scope.taskId,
      estimateUsd: estimate,
      day: keys.day,
      month: keys.month,
    };
    this.open.set(reservation.id, reservation);
    return { ok: true, reservation, warnings };
  }

  /**
   * Replaces a reservation by the call's actual cost (0 for a call that cost nothing), charged
   * to the day and month when it settles. Returns the warnings this spend newly triggers.
   */
  settle(reservation: Reservation, actualUsd: number): readonly BudgetWarning[] {
    if (!this.open.delete(reservation.id)) return [];
    const now = this.clock.now();
    const keys = { task: reservation.taskId, day: dayKey(now), month: monthKey(now) };
    const amount = Math.max(0, actualUsd);
    for (const kind of ["task", "day", "month"] as const) {
      this.spent[kind].set(keys[kind], this.spentOn(kind, keys[kind]) + amount);
    }
    return this.warnings(keys);
  }

  /** Spent so far on a task, a day (`YYYY-MM-DD`) or a month (`YYYY-MM`). */
  spentOn(kind: BudgetScopeKind, key: string): number {
    return this.spent[kind].get(key) ?? 0;
  }

  private reservedOn(kind: BudgetScopeKind, key: string): number {
    let sum = 0;
    for (const r of this.open.values()) {
      const k = kind === "task" ? r.taskId : kind === "day" ? r.day : r.month;
      if (k === key) sum += r.estimateUsd;
    }
    return sum;
  }

  private limitOf(kind: BudgetScopeKind, taskId: string): number | undefined {
    if (kind === "task") return this.taskLimits.get(taskId);
    return kind === "day" ? this.limits.dailyUsd : this.limits.monthlyUsd;
  }

  private warnings(keys: Record<BudgetScopeKind, string>): BudgetWarning[] {
    const fraction = this.limits.warnFraction ?? 0.8;
    const out: BudgetWarning[] = [];
    for (const kind of ["task", "day", "month"] as const) {
      const limit = this.limitOf(kind, keys.task);
      const id = `${kind}:${keys[kind]}`;
      if (limit === undefined || this.warned.has(id)) continue;
      const spentUsd = this.spentOn(kind, keys[kind]);
      if (spentUsd < fraction * limit) continue;
      this.warned.add(id);
      out.push({
        scope: kind,
        key: keys[kind],
        limitUsd: limit,
        spentUsd,
        message:
          `${kind} ${keys[kind]} has spent ${usd(spentUsd)} of its ${usd(limit)} budget ` +
          `(${limit > 0 ? Math.round((spentUsd / limit) * 100) : 100}%)`,
      });
    }
    return out;
  }
}
