import { UserError } from "../core/errors.js";
import type { StoredEvent, TokenUsage } from "../core/events.js";
import type { ModelSpec, ModelsConfig } from "../core/project-config.js";
import type { Role } from "../core/task.js";
import { costLedger, emptyTotals, savingsVsBaseline } from "../costs/index.js";
import type { CostLedger, LedgerTotals, Savings } from "../costs/index.js";
import { routingHistory } from "../routing/index.js";
import type { CellKey } from "../routing/index.js";

/**
 * `orchestrator report`'s projection of the event log: spend and tokens from the cost ledger,
 * author success and retry rates from the routing history, grouped one way, and the saving
 * against one baseline model.
 */

export const REPORT_GROUPINGS = ["model", "role", "area", "task"] as const;
export type ReportGrouping = (typeof REPORT_GROUPINGS)[number];

const TIER_RANK = { strong: 0, medium: 1, cheap: 2 } as const;

/** `--baseline`, else `claude_sonnet` when configured, else the first model of the strongest tier. */
export function pickBaseline(models: ModelsConfig, name: string | undefined): ModelSpec {
  const known = [...models.models.values()];
  if (name !== undefined) {
    const spec = models.models.get(name);
    if (!spec) {
      throw new UserError(
        `unknown baseline model "${name}" (models: ${known.map((m) => m.name).join(", ")})`,
      );
    }
    return spec;
  }
  const sonnet = models.models.get("claude_sonnet");
  if (sonnet) return sonnet;
  const strongest = [...known].sort((a, b) => TIER_RANK[a.tier] - TIER_RANK[b.tier])[0];
  if (!strongest) throw new UserError("no models configured in model_config.yaml");
  return strongest;
}

/** Author attempts (implementer changes, planner plans) of one group and how they fared. */
interface Outcomes {
  /** Attempts started (`step.attempt`, `plan.recorded`). */
  started: number;
  /** Of those, retries: a step's attempt after the first, a plan round after the first. */
  retries: number;
  /** Attempts whose outcome is known (review and gate, or plan review). */
  finished: number;
  successes: number;
}

const noOutcomes = (): Outcomes => ({ started: 0, retries: 0, finished: 0, successes: 0 });

function slot(map: Map<string, Outcomes>, key: string): Outcomes {
  let o = map.get(key);
  if (!o) {
    o = noOutcomes();
    map.set(key, o);
  }
  return o;
}

interface AttemptFacts {
  readonly taskId: string;
  readonly role: Role;
  readonly model: string;
  readonly area: string;
}

function groupKey(by: ReportGrouping, a: AttemptFacts): string {
  if (by === "model") return a.model;
  if (by === "role") return a.role;
  if (by === "area") return a.area;
  return a.taskId;
}

/** Started attempts and retries, from `step.attempt` and `plan.recorded` (deduplicated). */
function countStarts(
  events: readonly StoredEvent[],
  since: number | undefined,
  add: (a: AttemptFacts, retry: boolean) => void,
): void {
  const areas = new Map<string, string>();
  const seen = new Set<string>();
  for (const e of events) {
    const b = e.body;
    if (b.type === "task.registered") areas.set(e.taskId, b.task.area);
    if (since !== undefined && e.at < since) continue;
    const area = areas.get(e.taskId) ?? "unknown";
    if (b.type === "step.attempt") {
      const id = `${e.taskId}\0${b.stepId}\0${b.attempt}`;
      if (seen.has(id)) continue;
      seen.add(id);
      add({ taskId: e.taskId, role: "implementer", model: b.implementer, area }, b.attempt > 1);
    } else if (b.type === "plan.recorded") {
      const id = `${e.taskId}\0plan\0${b.round}`;
      if (seen.has(id)) continue;
      seen.add(id);
      add({ taskId: e.taskId, role: "planner", model: b.author, area }, b.round > 1);
    }
  }
}

/**
 * Success and retry counts per group. Success comes from the routing history (an implementer
 * attempt succeeds when the code review approved it and the gate passed; a plan when the plan
 * review approved it), computed per task so that it can be grouped by task too. Reviewers have
 * no outcome of their own. With `since`, only attempts started at or after it count.
 */
export function outcomesBy(
  events: readonly StoredEvent[],
  by: ReportGrouping,
  since: number | undefined,
): Map<string, Outcomes> {
  const groups = new Map<string, Outcomes>();
  countStarts(events, since, (a, retry) => {
    const o = slot(groups, groupKey(by, a));
    o.started += 1;
    if (retry) o.retries += 1;
  });
  const perTask = new Map<string, StoredEvent[]>();
  for (const e of events) {
    if (since !== undefined && e.at < since && e.body.type !== "task.registered") continue;
    const list = perTask.get(e.taskId);
    if (list) list.push(e);
    else perTask.set(e.taskId, [e]);
  }
  for (const [taskId, list] of perTask) {
    for (const { key, stats } of routingHistory(list).cells()) {
      // Author success only: a code reviewer's cell counts its approvals, not its work.
      if (key.role !== "implementer" && key.role !== "planner") continue;
      const o = slot(groups, groupKey(by, { ...cellFacts(key), taskId }));
      o.finished += stats.attempts;
      o.successes += stats.successes;
    }
  }
  return groups;
}

const cellFacts = (key: CellKey): Omit<AttemptFacts, "taskId"> => ({
  role: key.role,
  model: key.model,
  area: key.area,
});

export interface ReportGroup {
  readonly key: string;
  readonly usd: number;
  readonly calls: number;
  readonly tokens: TokenUsage;
  readonly durationMs: number;
  /** Author attempts started in the group (implementer changes and plans). */
  readonly attempts: number;
  readonly retries: number;
  /** `retries / attempts`; null without attempts. */
  readonly retryRate: number | null;
  /** Attempts with a known outcome, and of those the ones that passed review (and the gate). */
  readonly finished: number;
  readonly successes: number;
  /** `successes / finished`; null without finished attempts. */
  readonly successRate: number | null;
}

export interface Report {
  /** ISO time of the earliest call counted, or null for all time. */
  readonly since: string | null;
  readonly by: ReportGrouping;
  readonly total: ReportGroup;
  readonly groups: readonly ReportGroup[];
  /** The saving against running every call on one model; null with no runs. */
  readonly baseline: Savings | null;
}

const ratio = (n: number, d: number): number | null => (d > 0 ? n / d : null);

function toGroup(key: string, totals: LedgerTotals, o: Outcomes): ReportGroup {
  return {
    key,
    usd: totals.usd,
    calls: totals.calls,
    tokens: totals.tokens,
    durationMs: totals.durationMs,
    attempts: o.started,
    retries: o.retries,
    retryRate: ratio(o.retries, o.started),
    finished: o.finished,
    successes: o.successes,
    successRate: ratio(o.successes, o.finished),
  };
}

function ledgerGroups(
  ledger: CostLedger,
  by: ReportGrouping,
): Readonly<Record<string, LedgerTotals>> {
  if (by === "model") return ledger.byModel;
  if (by === "role") return ledger.byRole;
  if (by === "area") return ledger.byArea;
  return ledger.byTask;
}

/** The report over the given events: spend, tokens, success and retry rates, and the saving. */
export function buildReport(
  events: readonly StoredEvent[],
  options: { by: ReportGrouping; since?: number | undefined; baseline: ModelSpec },
): Report {
  const range = options.since === undefined ? {} : { since: options.since };
  const ledger = costLedger(events, range);
  const outcomes = outcomesBy(events, options.by, options.since);
  const spend = ledgerGroups(ledger, options.by);
  const keys = [...new Set([...Object.keys(spend), ...outcomes.keys()])].sort();
  const all = noOutcomes();
  for (const o of outcomes.values()) {
    all.started += o.started;
    all.retries += o.retries;
    all.finished += o.finished;
    all.successes += o.successes;
  }
  return {
    since: options.since === undefined ? null : new Date(options.since).toISOString(),
    by: options.by,
    total: toGroup("total", ledger.total, all),
    groups: keys.map((k) => toGroup(k, spend[k] ?? emptyTotals(), outcomes.get(k) ?? noOutcomes())),
    baseline: savingsVsBaseline(events, options.baseline, range),
  };
}

/** The report of a repository with no runs yet. */
export function emptyReport(by: ReportGrouping, since: number | undefined): Report {
  return {
    since: since === undefined ? null : new Date(since).toISOString(),
    by,
    total: toGroup("total", emptyTotals(), noOutcomes()),
    groups: [],
    baseline: null,
  };
}
