import type { StoredEvent, TokenUsage } from "../core/events.js";
import type { Role } from "../core/task.js";

/** What routing history is kept per: role, model, task area, risk and step type. */
export interface CellKey {
  readonly role: Role;
  readonly model: string;
  readonly area: string;
  readonly risk: string;
  /** The plan step's type; `plan` for planners. */
  readonly stepType: string;
}

/**
 * Outcomes of the attempts made in one cell. For an author: attempts, and those whose change
 * passed the review and the gate (`successes`). For a code reviewer: reviews, and approvals
 * (`successes`). `leaks` counts approved changes the gate then failed: what the review let
 * through, the one trace of a reviewer's misses the log holds.
 */
export interface CellStats {
  attempts: number;
  successes: number;
  leaks: number;
  costUsd: number;
  durationMs: number;
  tokens: TokenUsage;
}

/** One finished attempt: an implementer's change or a planner's plan, and how it fared. */
export interface AttemptOutcome {
  readonly success: boolean;
  /** The review approved the change and the gate failed it. */
  readonly leak?: boolean | undefined;
  readonly costUsd: number;
  readonly durationMs: number;
  readonly tokens?: TokenUsage | undefined;
}

export function emptyStats(): CellStats {
  return {
    attempts: 0,
    successes: 0,
    leaks: 0,
    costUsd: 0,
    durationMs: 0,
    tokens: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 },
  };
}

function addStats(stats: CellStats, more: CellStats): void {
  stats.attempts += more.attempts;
  stats.successes += more.successes;
  stats.leaks += more.leaks;
  stats.costUsd += more.costUsd;
  stats.durationMs += more.durationMs;
  stats.tokens.input += more.tokens.input;
  stats.tokens.output += more.tokens.output;
  stats.tokens.cacheRead += more.tokens.cacheRead;
  stats.tokens.cacheWrite += more.tokens.cacheWrite;
}

function addOutcome(stats: CellStats, outcome: AttemptOutcome): void {
  stats.attempts += 1;
  if (outcome.success) stats.successes += 1;
  if (outcome.leak === true) stats.leaks += 1;
  stats.costUsd += outcome.costUsd;
  stats.durationMs += outcome.durationMs;
  if (outcome.tokens) {
    stats.tokens.input += outcome.tokens.input;
    stats.tokens.output += outcome.tokens.output;
    stats.tokens.cacheRead += outcome.tokens.cacheRead;
    stats.tokens.cacheWrite += outcome.tokens.cacheWrite;
  }
}

const SEP = "\u0000";

/**
 * Success statistics per (role, model, area, risk, step type), with sums over step types and
 * over models kept as well, for the learned router. An implementer attempt succeeds when its
 * change passed the code review AND the gate, a planner's plan when the plan review approved
 * it. A code reviewer's cell counts its reviews, approvals and leaks (approved, then failed by
 * the gate); a plan review has no gate after it, so plan reviewers are not measured.
 */
export class RoutingHistory {
  private readonly full = new Map<string, { key: CellKey; stats: CellStats }>();
  private readonly byModel = new Map<string, CellStats>();
  private readonly byGroup = new Map<string, CellStats>();
  private readonly byRisk = new Map<string, CellStats>();

  /** Adds one finished attempt. */
  record(key: CellKey, outcome: AttemptOutcome): void {
    for (const stats of this.slotsOf(key)) addOutcome(stats, outcome);
  }

  /** This history and `other` together (neither is changed). */
  plus(other: RoutingHistory): RoutingHistory {
    const out = new RoutingHistory();
    for (const source of [this, other]) {
      for (const { key, stats } of source.full.values()) {
        for (const target of out.slotsOf(key)) addStats(target, stats);
      }
    }
    return out;
  }

  /** The full cell of a key and the sums it is part of. */
  private slotsOf(key: CellKey): CellStats[] {
    const id = [key.role, key.model, key.area, key.risk, key.stepType].join(SEP);
    let entry = this.full.get(id);
    if (!entry) {
      entry = { key, stats: emptyStats() };
      this.full.set(id, entry);
    }
    return [
      entry.stats,
      this.slot(this.byModel, [key.role, key.model, key.area, key.risk]),
      this.slot(this.byGroup, [key.role, key.area, key.risk]),
      this.slot(this.byRisk, [key.role, key.model, key.risk]),
    ];
  }

  /** A model's attempts for a role, area and risk, over every step type (or one of them). */
  stats(role: Role, model: string, area: string, risk: string, stepType?: string): CellStats {
    if (stepType !== undefined) {
      const id = [role, model, area, risk, stepType].join(SEP);
      return this.full.get(id)?.stats ?? emptyStats();
    }
    return this.byModel.get([role, model, area, risk].join(SEP)) ?? emptyStats();
  }

  /** Every model's attempts for a role, area and risk together. */
  groupStats(role: Role, area: string, risk: string): CellStats {
    return this.byGroup.get([role, area, risk].join(SEP)) ?? emptyStats();
  }

  /** A model's attempts for a role and risk in every area together. */
  riskStats(role: Role, model: string, risk: string): CellStats {
    return this.byRisk.get([role, model, risk].join(SEP)) ?? emptyStats();
  }

  /** Every cell with its statistics, for reports. */
  cells(): { key: CellKey; stats: CellStats }[] {
    return [...this.full.values()];
  }

  private slot(map: Map<string, CellStats>, parts: readonly string[]): CellStats {
    const id = parts.join(SEP);
    let stats = map.get(id);
    if (!stats) {
      stats = emptyStats();
      map.set(id, stats);
    }
    return stats;
  }
}

interface OpenAttempt {
  key: CellKey;
  costUsd: number;
  durationMs: number;
  tokens: TokenUsage;
  reviewed: boolean;
  /** The code reviewer of this attempt, once its review is in. */
  reviewer?: string | undefined;
  /** The code review's calls: what a review of this attempt cost. */
  review: { costUsd: number; durationMs: number; tokens: TokenUsage };
}

interface TaskFacts {
  area: string;
  risk: string;
  steps: Map<string, { type: string; risk: string }>;
  /** Planner calls since the last recorded plan. */
  planner: OpenAttempt | undefined;
  /** Plans by round, waiting for their review. */
  plans: Map<number, OpenAttempt>;
  attempts: Map<string, OpenAttempt>;
}

function blankAttempt(key: CellKey): OpenAttempt {
  return {
    key,
    costUsd: 0,
    durationMs: 0,
    tokens: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 },
    reviewed: false,
    review: {
      costUsd: 0,
      durationMs: 0,
      tokens: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 },
    },
  };
}

function addCall(
  a: { costUsd: number; durationMs: number; tokens: TokenUsage },
  call: { costUsd: number; durationMs: number; usage: TokenUsage },
): void {
  a.costUsd += call.costUsd;
  a.durationMs += call.durationMs;
  a.tokens.input += call.usage.input;
  a.tokens.output += call.usage.output;
  a.tokens.cacheRead += call.usage.cacheRead;
  a.tokens.cacheWrite += call.usage.cacheWrite;
}

const attemptId = (stepId: string, attempt: number): string => `${stepId}${SEP}${attempt}`;

/** What one event finished: an author's attempt, with its code review when there was one. */
interface Finished {
  readonly attempt: OpenAttempt;
  readonly success: boolean;
  readonly leak?: boolean;
}

/** Applies one event to the task's facts; returns the attempt it finished, if any. */
function applyHistoryEvent(facts: TaskFacts, e: StoredEvent): Finished | undefined {
  const b = e.body;
  switch (b.type) {
    case "plan.recorded": {
      for (const s of b.plan.steps) facts.steps.set(s.id, { type: s.type, risk: s.risk });
      const key: CellKey = {
        role: "planner",
        model: b.author,
        area: facts.area,
        risk: facts.risk,
        stepType: "plan",
      };
      const attempt = facts.planner ?? blankAttempt(key);
      facts.plans.set(b.round, { ...attempt, key });
      facts.planner = undefined;
      return undefined;
    }
    case "plan.reviewed": {
      const attempt = facts.plans.get(b.round);
      facts.plans.delete(b.round);
      return attempt && { attempt, success: b.review.status === "approved" };
    }
    case "step.attempt": {
      const step = facts.steps.get(b.stepId);
      const key: CellKey = {
        role: "implementer",
        model: b.implementer,
        area: facts.area,
        risk: step?.risk ?? facts.risk,
        stepType: step?.type ?? "unknown",
      };
      facts.attempts.set(attemptId(b.stepId, b.attempt), blankAttempt(key));
      return undefined;
    }
    case "model.call": {
      if (b.role === "planner") {
        facts.planner ??= blankAttempt({
          role: "planner",
          model: b.model,
          area: facts.area,
          risk: facts.risk,
          stepType: "plan",
        });
        addCall(facts.planner, b);
      } else if (b.role === "implementer" && b.stepId !== undefined && b.attempt !== undefined) {
        const open = facts.attempts.get(attemptId(b.stepId, b.attempt));
        if (open) addCall(open, b);
      } else if (b.role === "code_reviewer" && b.stepId !== undefined && b.attempt !== undefined) {
        const open = facts.attempts.get(attemptId(b.stepId, b.attempt));
        if (open) addCall(open.review, b);
      }
      return undefined;
    }
    default:
      return finishAttempt(facts, e);
  }
}

/** The events that decide an implementer attempt: a failed edit, the review, the gate. */
function finishAttempt(facts: TaskFacts, e: StoredEvent): Finished | undefined {
  const b = e.body;
  if (
    b.type !== "implementation.recorded" &&
    b.type !== "code.reviewed" &&
    b.type !== "gate.finished"
  ) {
    return undefined;
  }
  const id = attemptId(b.stepId, b.attempt);
  const open = facts.attempts.get(id);
  if (!open) return undefined;
  let success: boolean | undefined;
  if (b.type === "implementation.recorded") success = b.ok ? undefined : false;
  else if (b.type === "code.reviewed") {
    open.reviewer = b.reviewer;
    if (b.review.status === "approved") open.reviewed = true;
    else success = false;
  } else success = b.passed && open.reviewed;
  if (success === undefined) return undefined;
  facts.attempts.delete(id);
  const leak = b.type === "gate.finished" && open.reviewed && !b.passed;
  return { attempt: open, success, leak };
}

/**
 * The routing history as a projection of the event log (any number of tasks, in log order).
 * Attempts still in flight are left out; so are steps of tasks whose registration is missing.
 */
export function routingHistory(events: readonly StoredEvent[]): RoutingHistory {
  const history = new RoutingHistory();
  const tasks = new Map<string, TaskFacts>();
  for (const e of events) {
    if (e.body.type === "task.registered") {
      const t = e.body.task;
      tasks.set(e.taskId, {
        area: t.area,
        risk: t.risk,
        steps: new Map(),
        planner: undefined,
        plans: new Map(),
        attempts: new Map(),
      });
      continue;
    }
    const facts = tasks.get(e.taskId);
    if (!facts) continue;
    const done = applyHistoryEvent(facts, e);
    if (done) {
      const a = done.attempt;
      history.record(a.key, {
        success: done.success,
        leak: done.leak,
        costUsd: a.costUsd,
        durationMs: a.durationMs,
        tokens: a.tokens,
      });
      if (a.reviewer !== undefined) {
        history.record(
          { ...a.key, role: "code_reviewer", model: a.reviewer },
          {
            success: a.reviewed,
            leak: done.leak,
            costUsd: a.review.costUsd,
            durationMs: a.review.durationMs,
            tokens: a.review.tokens,
          },
        );
      }
    }
  }
  return history;
}
