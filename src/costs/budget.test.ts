import { describe, expect, it } from "vitest";
import type { Clock } from "../core/ports.js";
import { BudgetGuard } from "./budget.js";
import { EventLogBuilder } from "../../test/support/event-fixtures.js";

class FakeClock implements Clock {
  constructor(public at: number) {}
  now(): number {
    return this.at;
  }
}

const DAY1 = Date.UTC(2026, 2, 10, 12);
const DAY2 = Date.UTC(2026, 2, 11, 12);

describe("BudgetGuard", () => {
  it("refuses a call whose estimate would pass the task's budget, before it is made", () => {
    const guard = new BudgetGuard({}, new FakeClock(DAY1));
    const first = guard.reserve(0.6, { taskId: "T1", taskBudgetUsd: 1 });
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    guard.settle(first.reservation, 0.7);
    const second = guard.reserve(0.4, { taskId: "T1", taskBudgetUsd: 1 });
    expect(second).toMatchObject({ ok: false, reason: "budget", scope: "task", key: "T1" });
    if (second.ok) return;
    expect(second.spentUsd).toBeCloseTo(0.7, 10);
    expect(second.detail).toContain("the call was not made");
    // Another task is not affected by T1's budget.
    expect(guard.reserve(0.4, { taskId: "T2", taskBudgetUsd: 1 }).ok).toBe(true);
  });

  it("counts calls in flight: two reservations cannot both take the last dollar", () => {
    const guard = new BudgetGuard({ dailyUsd: 1 }, new FakeClock(DAY1));
    expect(guard.reserve(0.6, { taskId: "A" }).ok).toBe(true);
    expect(guard.reserve(0.6, { taskId: "B" })).toMatchObject({ ok: false, scope: "day" });
  });

  it("settling frees the difference between the estimate and the actual cost", () => {
    const guard = new BudgetGuard({ dailyUsd: 1 }, new FakeClock(DAY1));
    const r = guard.reserve(0.9, { taskId: "A" });
    if (!r.ok) throw new Error("refused");
    guard.settle(r.reservation, 0.1);
    expect(guard.reserve(0.85, { taskId: "A" }).ok).toBe(true);
    expect(guard.spentOn("day", "2026-03-10")).toBeCloseTo(0.1, 10);
  });

  it("starts a fresh daily budget the next UTC day, but keeps the month's", () => {
    const clock = new FakeClock(DAY1);
    const guard = new BudgetGuard({ dailyUsd: 1, monthlyUsd: 1.5 }, clock);
    const r = guard.reserve(1, { taskId: "A" });
    if (!r.ok) throw new Error("refused");
    guard.settle(r.reservation, 1);
    expect(guard.reserve(0.1, { taskId: "A" })).toMatchObject({ ok: false, scope: "day" });
    clock.at = DAY2;
    expect(guard.reserve(0.4, { taskId: "A" }).ok).toBe(true);
    expect(guard.reserve(0.2, { taskId: "A" })).toMatchObject({ ok: false, scope: "month" });
  });

  it("starts from the spend the event log records", () => {
    const log = new EventLogBuilder()
      .task("T1", DAY1)
      .call("T1", DAY1, { role: "planner", model: "claude_sonnet", costUsd: 4.5 });
    const guard = BudgetGuard.fromEvents(log.events, { monthlyUsd: 5 }, new FakeClock(DAY2));
    expect(guard.reserve(0.6, { taskId: "T1" })).toMatchObject({ ok: false, scope: "month" });
    expect(guard.reserve(0.4, { taskId: "T1", taskBudgetUsd: 4.8 })).toMatchObject({
      ok: false,
      scope: "task",
    });
  });

  it("warns once per scope when spend reaches the threshold", () => {
    const guard = new BudgetGuard({ dailyUsd: 10, warnFraction: 0.8 }, new FakeClock(DAY1));
    const spend = (usd: number) => {
      const r = guard.reserve(usd, { taskId: "A" });
      if (!r.ok) throw new Error("refused");
      return guard.settle(r.reservation, usd);
    };
    expect(spend(7)).toEqual([]);
    const warned = spend(1);
    expect(warned).toHaveLength(1);
    expect(warned[0]).toMatchObject({ scope: "day", key: "2026-03-10", limitUsd: 10 });
    expect(warned[0]?.message).toContain("80%");
    expect(spend(1)).toEqual([]);
  });

  it("warns at the first reservation when earlier spend already passed the threshold", () => {
    const log = new EventLogBuilder().call("T1", DAY1, {
      role: "planner",
      model: "m",
      costUsd: 0.9,
    });
    const guard = BudgetGuard.fromEvents(log.events, {}, new FakeClock(DAY1));
    const r = guard.reserve(0.05, { taskId: "T1", taskBudgetUsd: 1 });
    expect(r).toMatchObject({ ok: true, warnings: [{ scope: "task", key: "T1" }] });
    expect(guard.reserve(0.01, { taskId: "T1", taskBudgetUsd: 1 }).warnings).toEqual([]);
  });

  it("ignores a reservation settled twice", () => {
    const guard = new BudgetGuard({ dailyUsd: 1 }, new FakeClock(DAY1));
    const r = guard.reserve(0.1, { taskId: "A" });
    if (!r.ok) throw new Error("refused");
    guard.settle(r.reservation, 0.3);
    guard.settle(r.reservation, 0.3);
    expect(guard.spentOn("day", "2026-03-10")).toBeCloseTo(0.3, 10);
  });
});
