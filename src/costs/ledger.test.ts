import { describe, expect, it } from "vitest";
import type { ModelSpec } from "../core/project-config.js";
import { EventLogBuilder } from "../../test/support/event-fixtures.js";
import { costLedger, savingsVsBaseline } from "./ledger.js";

const JAN31 = Date.UTC(2026, 0, 31, 23, 30);
const FEB1 = Date.UTC(2026, 1, 1, 0, 30);

function twoTasks(): EventLogBuilder {
  return new EventLogBuilder()
    .task("T1", JAN31, { area: "core", risk: "high" })
    .task("T2", JAN31, { area: "docs", risk: "low" })
    .call("T1", JAN31, { role: "planner", model: "claude_sonnet", costUsd: 0.1 })
    .call("T1", JAN31, {
      role: "implementer",
      model: "claude_sonnet",
      stepId: "S1",
      attempt: 1,
      costUsd: 0.2,
      usage: { input: 1000, output: 100, cacheRead: 5000 },
      durationMs: 30,
    })
    .call("T1", FEB1, {
      role: "code_reviewer",
      model: "gemini_pro",
      stepId: "S1",
      attempt: 1,
      costUsd: 0.05,
    })
    .call("T2", FEB1, {
      role: "implementer",
      model: "gemini_flash",
      stepId: "S1",
      attempt: 1,
      costUsd: 0.01,
      usage: { input: 2000, output: 500 },
    });
}

describe("costLedger", () => {
  const ledger = costLedger(twoTasks().events);

  it("adds up every call of every task", () => {
    expect(ledger.total.usd).toBeCloseTo(0.36, 10);
    expect(ledger.total.calls).toBe(4);
    expect(ledger.total.tokens).toEqual({
      input: 3000,
      output: 600,
      cacheRead: 5000,
      cacheWrite: 0,
    });
    expect(ledger.calls.map((c) => c.area)).toEqual(["core", "core", "core", "docs"]);
  });

  it("groups by step (planning apart), task, model, role and area", () => {
    expect(Object.keys(ledger.byStep)).toEqual(["T1/S1", "T1/plan", "T2/S1"]);
    expect(ledger.byStep["T1/S1"]?.usd).toBeCloseTo(0.25, 10);
    expect(ledger.byTask.T1?.calls).toBe(3);
    expect(ledger.byModel.claude_sonnet?.usd).toBeCloseTo(0.3, 10);
    expect(ledger.byRole.implementer?.usd).toBeCloseTo(0.21, 10);
    expect(ledger.byArea.docs?.usd).toBeCloseTo(0.01, 10);
  });

  it("splits days and months at UTC midnight", () => {
    expect(Object.keys(ledger.byDay)).toEqual(["2026-01-31", "2026-02-01"]);
    expect(ledger.byDay["2026-01-31"]?.usd).toBeCloseTo(0.3, 10);
    expect(ledger.byMonth["2026-02"]?.usd).toBeCloseTo(0.06, 10);
  });

  it("keeps only calls in the time window", () => {
    const feb = costLedger(twoTasks().events, { since: Date.UTC(2026, 1, 1) });
    expect(feb.total.calls).toBe(2);
    // The task's area is still known although its registration is before the window.
    expect(Object.keys(feb.byArea)).toEqual(["core", "docs"]);
  });

  it("files calls of a task without a registration under the area unknown", () => {
    const log = new EventLogBuilder().call("T9", 0, { role: "planner", model: "m", costUsd: 1 });
    expect(costLedger(log.events).byArea.unknown?.usd).toBe(1);
  });
});

describe("savingsVsBaseline", () => {
  const sonnet: ModelSpec = {
    name: "claude_sonnet",
    provider: "claude-cli",
    model: "claude-sonnet-4-5",
    family: "anthropic",
    tier: "strong",
    price: { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
    args: [],
    env: {},
    timeoutMs: 1000,
  };

  it("prices the same tokens, cache reads included, on the baseline model", () => {
    const log = new EventLogBuilder().task("T2", 0, { area: "docs", risk: "low" }).call("T2", 0, {
      role: "implementer",
      model: "gemini_flash",
      costUsd: 0.002,
      usage: { input: 2000, output: 500, cacheRead: 10_000 },
    });
    const s = savingsVsBaseline(log.events, sonnet);
    // 2000·3 + 500·15 + 10000·0.3 = 16500 per million.
    expect(s.baselineUsd).toBeCloseTo(0.0165, 10);
    expect(s.actualUsd).toBe(0.002);
    expect(s.savedUsd).toBeCloseTo(0.0145, 10);
    expect(s.savedFraction).toBeCloseTo(0.0145 / 0.0165, 10);
  });

  it("has no fraction when nothing was spent on anything", () => {
    expect(savingsVsBaseline([], sonnet).savedFraction).toBeNull();
  });
});
