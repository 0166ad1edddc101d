import type { StoredEvent } from "../core/events.js";
import { dayKey } from "../costs/index.js";
import type { QualityView } from "./api-types.js";

const TOP = 20;

/**
 * Gate pass rate per day, the tests and checks that failed most often, and the new-warning and
 * coverage figures of each gate run (this repository's trend), from `gate.finished` events.
 */
export function buildQuality(events: readonly StoredEvent[]): QualityView {
  const days = new Map<string, { runs: number; passed: number }>();
  const tests = new Map<
    string,
    { suite: string; name: string; failures: number; lastMessage: string | null }
  >();
  const checks = new Map<string, number>();
  const trend: QualityView["trend"][number][] = [];
  for (const e of events) {
    const b = e.body;
    if (b.type !== "gate.finished") continue;
    const day = days.get(dayKey(e.at)) ?? { runs: 0, passed: 0 };
    day.runs += 1;
    if (b.passed) day.passed += 1;
    days.set(dayKey(e.at), day);
    let newWarnings: number | null = null;
    let coveragePct: number | null = null;
    for (const c of b.checks) {
      if (!c.passed) checks.set(c.name, (checks.get(c.name) ?? 0) + 1);
      const f = c.findings;
      if (!f) continue;
      for (const t of [...(f.tests?.regressions ?? []), ...(f.tests?.newFailures ?? [])]) {
        const key = `${t.suite}\0${t.name}`;
        const row = tests.get(key) ?? {
          suite: t.suite,
          name: t.name,
          failures: 0,
          lastMessage: null,
        };
        row.failures += 1;
        row.lastMessage = t.message ?? row.lastMessage;
        tests.set(key, row);
      }
      if (f.warnings) newWarnings = (newWarnings ?? 0) + f.warnings.newCount;
      if (f.coverage) coveragePct = f.coverage.currentPct;
    }
    if (newWarnings !== null || coveragePct !== null) {
      trend.push({ at: e.at, taskId: e.taskId, newWarnings, coveragePct });
    }
  }
  return {
    gateByDay: [...days.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([day, d]) => ({ day, ...d })),
    topFailingTests: [...tests.values()].sort((a, b) => b.failures - a.failures).slice(0, TOP),
    failingChecks: [...checks.entries()]
      .map(([name, failures]) => ({ name, failures }))
      .sort((a, b) => b.failures - a.failures),
    trend,
  };
}
