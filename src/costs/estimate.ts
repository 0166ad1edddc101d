import type { StoredEvent } from "../core/events.js";
import type { ModelSpec } from "../core/project-config.js";
import type { Role } from "../core/task.js";
import { costOf } from "./price.js";
import { ledgerCalls } from "./ledger.js";

/** Roles whose calls are made once per step (per attempt); the others once per plan round. */
const STEP_ROLES: ReadonlySet<Role> = new Set(["implementer", "code_reviewer"]);
const ALL_ROLES: readonly Role[] = ["planner", "plan_reviewer", "implementer", "code_reviewer"];

/**
 * The seed's assumptions, used when there is no history: an average task has 5 steps (3 to 8
 * when the plan is not known yet); each call reads about 2,000 tokens and writes 1,000 (500
 * for reviewers). The low end assumes one plan round and one attempt per step, the high end
 * every plan review round and every attempt used.
 */
export const SEED_DEFAULTS = {
  stepsLow: 3,
  stepsHigh: 8,
  inputTokens: 2000,
  outputTokens: 1000,
  reviewerOutputTokens: 500,
} as const;

/** Fewest samples of a role (and tier) before its history is trusted over the seed's defaults. */
export const MIN_HISTORY_SAMPLES = 3;

/** Past costs: per step (all attempts) for step roles, per task for planning roles. */
export interface CostHistory {
  /** Keys `role` and `role/tier`; each value one cost per step or per task. */
  readonly unitCosts: ReadonlyMap<string, readonly number[]>;
  /** Steps in each planned task's (last) plan. */
  readonly stepsPerTask: readonly number[];
}

function push(map: Map<string, number[]>, key: string, value: number): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Folds the event log into the per-role cost samples {@link estimateTask} needs. */
export function costHistory(
  events: readonly StoredEvent[],
  models: ReadonlyMap<string, ModelSpec>,
): CostHistory {
  const units = new Map<string, { role: Role; model: string; usd: number }>();
  for (const call of ledgerCalls(events)) {
    const unit = STEP_ROLES.has(call.role) ? (call.stepId ?? "plan") : "plan";
    const key = `${call.taskId}\0${unit}\0${call.role}`;
    const known = units.get(key);
    if (known) known.usd += call.usd;
    else units.set(key, { role: call.role, model: call.model, usd: call.usd });
  }
  const unitCosts = new Map<string, number[]>();
  for (const u of units.values()) {
    push(unitCosts, u.role, u.usd);
    const tier = models.get(u.model)?.tier;
    if (tier !== undefined) push(unitCosts, `${u.role}/${tier}`, u.usd);
  }
  const plans = new Map<string, number>();
  for (const e of events) {
    if (e.body.type === "plan.recorded") plans.set(e.taskId, e.body.plan.steps.length);
  }
  return { unitCosts, stepsPerTask: [...plans.values()] };
}

/** The q-quantile (0..1) of a non-empty list, by linear interpolation. */
export function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const a = sorted[lo] ?? 0;
  const b = sorted[Math.min(lo + 1, sorted.length - 1)] ?? a;
  return a + (b - a) * (pos - lo);
}

export interface EstimateInput {
  /** Steps in the task's plan; omitted before planning. */
  readonly steps?: number | undefined;
  /** The model the routing would pick for each role (its tier selects the history). */
  readonly models: Readonly<Record<Role, ModelSpec>>;
  /** Attempts per step (quality rules' `max_attempts`, seed: 3). */
  readonly maxAttempts?: number | undefined;
  /** Plan review rounds (default 2). */
  readonly planReviewRounds?: number | undefined;
}

/** One role's share of an estimate. */
export interface EstimateLine {
  readonly role: Role;
  /** Per step or per task (planning roles), before multiplying by the steps. */
  readonly unitLow: number;
  readonly unitHigh: number;
  /** `history:<key>` (with the number of samples) or `seed`. */
  readonly source: string;
}

export interface TaskEstimate {
  readonly low: number;
  readonly high: number;
  readonly steps: { readonly low: number; readonly high: number; readonly source: string };
  readonly lines: readonly EstimateLine[];
  /** `history` when every number came from history, `seed` when none did, else `mixed`. */
  readonly basis: "history" | "seed" | "mixed";
}

function seedUnit(role: Role, model: ModelSpec, input: EstimateInput): EstimateLine {
  const reviewer = role === "plan_reviewer" || role === "code_reviewer";
  const perCall = costOf(
    {
      input: SEED_DEFAULTS.inputTokens,
      output: reviewer ? SEED_DEFAULTS.reviewerOutputTokens : SEED_DEFAULTS.outputTokens,
      cacheRead: 0,
      cacheWrite: 0,
    },
    model.price,
  );
  const repeats = STEP_ROLES.has(role) ? (input.maxAttempts ?? 3) : (input.planReviewRounds ?? 2);
  return { role, unitLow: perCall, unitHigh: perCall * repeats, source: "seed" };
}

function unitLine(role: Role, history: CostHistory, input: EstimateInput): EstimateLine {
  const model = input.models[role];
  for (const key of [`${role}/${model.tier}`, role]) {
    const samples = history.unitCosts.get(key) ?? [];
    if (samples.length >= MIN_HISTORY_SAMPLES) {
      return {
        role,
        unitLow: quantile(samples, 0.5),
        unitHigh: quantile(samples, 0.9),
        source: `history:${key} (${samples.length})`,
      };
    }
  }
  return seedUnit(role, model, input);
}

function stepRange(history: CostHistory, steps: number | undefined): TaskEstimate["steps"] {
  if (steps !== undefined) return { low: steps, high: steps, source: "plan" };
  if (history.stepsPerTask.length >= MIN_HISTORY_SAMPLES) {
    return {
      low: Math.round(quantile(history.stepsPerTask, 0.5)),
      high: Math.round(quantile(history.stepsPerTask, 0.9)),
      source: `history (${history.stepsPerTask.length})`,
    };
  }
  return { low: SEED_DEFAULTS.stepsLow, high: SEED_DEFAULTS.stepsHigh, source: "seed" };
}

/**
 * A task's expected cost range before it runs: per role, the median (low) and 90th percentile
 * (high) of past cost per step or per task, for the tier of the model routing would pick, else
 * for the role, else the seed's defaults ({@link SEED_DEFAULTS}); times the plan's steps, or the
 * history's (or seed's) usual number of steps when there is no plan yet.
 */
export function estimateTask(input: EstimateInput, history: CostHistory): TaskEstimate {
  const steps = stepRange(history, input.steps);
  const lines = ALL_ROLES.map((role) => unitLine(role, history, input));
  let low = 0;
  let high = 0;
  for (const line of lines) {
    const perStep = STEP_ROLES.has(line.role);
    low += line.unitLow * (perStep ? steps.low : 1);
    high += line.unitHigh * (perStep ? steps.high : 1);
  }
  const sources = [...lines.map((l) => l.source), steps.source].filter((s) => s !== "plan");
  const seeded = sources.filter((s) => s === "seed").length;
  const basis = seeded === 0 ? "history" : seeded === sources.length ? "seed" : "mixed";
  return { low, high, steps, lines, basis };
}

/** The range for several tasks together (a batch). */
export function sumEstimates(estimates: readonly TaskEstimate[]): { low: number; high: number } {
  return estimates.reduce((acc, e) => ({ low: acc.low + e.low, high: acc.high + e.high }), {
    low: 0,
    high: 0,
  });
}
