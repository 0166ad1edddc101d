import { describe, expect, it } from "vitest";
import type { StoredEvent } from "../../core/events.js";
import type { NotifyConfig } from "../../core/project-config.js";
import { emptyView, projectTask } from "../../core/projection.js";
import { EventLogBuilder } from "../../../test/support/event-fixtures.js";
import { NotificationTriggers } from "./triggers.js";

const NOTIFY: NotifyConfig = {
  webhooks: [],
  anomalyFactor: 3,
  anomalyMinSamples: 5,
  maxAttempts: 3,
  baseDelayMs: 10,
};
const DAY = Date.UTC(2026, 11, 3, 9);
const MIN = 60_000;

/** Feeds `live` events to triggers that saw `history`; returns the keys notified. */
function keysOf(triggers: NotificationTriggers, live: readonly StoredEvent[]): string[] {
  return live.flatMap((e) => triggers.onEvent(e, projectTask(e.taskId, [e])).map((n) => n.key));
}

/** A task that starts, runs one step for `minutes` costing `usd`, and finishes DONE. */
function finishedTask(log: EventLogBuilder, id: string, at: number, minutes: number, usd: number) {
  log.add(id, at, {
    type: "transition",
    event: { type: "START_STEP", stepId: "S1" },
    from: "PLANNED",
    to: "IMPLEMENTING",
  });
  log.call(id, at + 1000, {
    role: "implementer",
    model: "claude_sonnet",
    costUsd: usd,
    stepId: "S1",
  });
  log.add(id, at + minutes * MIN, {
    type: "step.committed",
    stepId: "S1",
    sha: "abc",
    message: "S1",
    skipped: false,
  });
  log.add(id, at + minutes * MIN, {
    type: "transition",
    event: { type: "ALL_STEPS_DONE" },
    from: "STEP_COMPLETE",
    to: "DONE",
  });
}

describe("notification triggers", () => {
  it("warns once when the day's spend crosses warn_at, and again at the limit", () => {
    const t = new NotificationTriggers(NOTIFY, { dailyUsd: 1, warnFraction: 0.8 }, []);
    const log = new EventLogBuilder();
    log.call("T-1", DAY, { role: "planner", model: "m", costUsd: 0.5 });
    log.call("T-1", DAY + 1, { role: "planner", model: "m", costUsd: 0.35 });
    log.call("T-1", DAY + 2, { role: "planner", model: "m", costUsd: 0.05 });
    log.call("T-1", DAY + 3, { role: "planner", model: "m", costUsd: 0.2 });
    expect(keysOf(t, log.events)).toEqual([
      "budget-warning:day:2026-12-03",
      "budget-limit:day:2026-12-03",
    ]);
  });

  it("does not notify again what the log says was notified", () => {
    const history = new EventLogBuilder()
      .add("T-1", DAY, {
        type: "notification",
        kind: "budget_warning",
        key: "budget-warning:day:2026-12-03",
        sink: "ops",
        title: "x",
        ok: true,
        attempts: 1,
        status: 200,
      })
      .call("T-1", DAY, { role: "planner", model: "m", costUsd: 0.5 }).events;
    const t = new NotificationTriggers(NOTIFY, { dailyUsd: 1, warnFraction: 0.8 }, history);
    const live = new EventLogBuilder().call("T-1", DAY + 5, {
      role: "planner",
      model: "m",
      costUsd: 0.35,
    }).events;
    expect(keysOf(t, live)).toEqual([]);
  });

  it("tells a human is needed with the reason, and a budget stop as a budget limit too", () => {
    const t = new NotificationTriggers(NOTIFY, undefined, []);
    const log = new EventLogBuilder().add("T-1", DAY, {
      type: "transition",
      event: { type: "ESCALATE", reason: "budget", detail: "task budget $1.00 reached" },
      from: "IMPLEMENTING",
      to: "AWAITING_HUMAN_REVIEW",
    });
    const drafts = t.onEvent(log.events[0]!, emptyView("T-1"));
    expect(drafts.map((d) => d.kind)).toEqual(["awaiting_human", "budget_limit"]);
    expect(drafts[0]?.title).toBe("T-1 needs a human: budget");
    expect(drafts[0]?.text).toContain("task budget $1.00 reached");
  });

  it("flags a task and its step far slower than the historical p95, only with enough history", () => {
    const log = new EventLogBuilder();
    for (let i = 0; i < 5; i++) finishedTask(log, `H-${i}`, DAY + i * 60 * MIN, 10 + i, 0.1);
    const history = log.events.slice();
    const few = new NotificationTriggers(NOTIFY, undefined, history.slice(0, 8));
    const enough = new NotificationTriggers(NOTIFY, undefined, history);
    const slow = new EventLogBuilder();
    finishedTask(slow, "T-SLOW", DAY + 10 * 60 * MIN, 100, 0.1);
    const live = slow.events.map((e, i) => ({ ...e, seq: 1000 + i }));
    expect(keysOf(few, live)).toEqual([]);
    expect(keysOf(enough, live)).toEqual(["anomaly:step:T-SLOW step S1", "anomaly:task:T-SLOW"]);
    const normal = new EventLogBuilder();
    finishedTask(normal, "T-OK", DAY + 20 * 60 * MIN, 12, 0.1);
    const fresh = new NotificationTriggers(NOTIFY, undefined, history);
    expect(
      keysOf(
        fresh,
        normal.events.map((e, i) => ({ ...e, seq: 2000 + i })),
      ),
    ).toEqual([]);
  });

  it("flags a task whose cost is above p95 times the factor", () => {
    const log = new EventLogBuilder();
    for (let i = 0; i < 6; i++) finishedTask(log, `H-${i}`, DAY + i * 60 * MIN, 10, 0.1);
    const t = new NotificationTriggers(NOTIFY, undefined, log.events);
    const costly = new EventLogBuilder();
    finishedTask(costly, "T-COST", DAY + 10 * 60 * MIN, 10, 0.5);
    const drafts = costly.events
      .map((e, i) => ({ ...e, seq: 500 + i }))
      .flatMap((e) => t.onEvent(e, emptyView(e.taskId)));
    expect(drafts.map((d) => d.key)).toEqual([
      "anomaly:step:T-COST step S1",
      "anomaly:task:T-COST",
    ]);
    expect(drafts[1]?.title).toMatch(/cost \$0\.5000, 5\.0x the usual p95 of \$0\.1000/);
  });
});
