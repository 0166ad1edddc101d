import type { EventBody, StoredEvent } from "../core/events.js";
import type { Plan } from "../core/plan.js";
import { projectTask } from "../core/projection.js";
import type { TaskView } from "../core/projection.js";
import type { PlanReview } from "../core/review.js";
import type { Task } from "../core/task.js";

type Body<T extends EventBody["type"]> = Extract<EventBody, { type: T }>;

/** One plan the planner (or a reviewer's revision) produced, with the reviews it got. */
export interface PlanRound {
  readonly round: number;
  readonly author: string;
  readonly plan: Plan;
  readonly reviews: { readonly reviewer: string; readonly review: PlanReview }[];
}

/** One attempt at a step: who implemented it, what changed, what review and gate said. */
export interface StepAttempt {
  readonly attempt: number;
  implementer?: string;
  feedback?: string;
  implementation?: Body<"implementation.recorded">;
  readonly reviews: Body<"code.reviewed">[];
  gate?: Body<"gate.finished">;
}

export interface StepHistory {
  readonly id: string;
  readonly attempts: StepAttempt[];
  commit?: Body<"step.committed">;
}

/** Something that needed or came from a human, or ended the task: escalations, decisions. */
export interface Milestone {
  readonly at: number;
  readonly stepId: string | undefined;
  readonly kind:
    | "escalated"
    | "human decision"
    | "reopened"
    | "failed"
    | "aborted"
    | "note"
    | "lessons recalled"
    | "lessons remembered";
  readonly text: string;
}

export interface ModelCall {
  readonly at: number;
  readonly call: Body<"model.call">;
}

/** A task's events folded into what the run log shows. Built only from events. */
export interface TaskHistory {
  readonly taskId: string;
  readonly task: Task | undefined;
  readonly view: TaskView;
  readonly plans: PlanRound[];
  /** Steps in the order they were first seen. */
  readonly steps: Map<string, StepHistory>;
  readonly calls: ModelCall[];
  readonly milestones: Milestone[];
  readonly runIds: string[];
  readonly firstAt: number | undefined;
  readonly lastAt: number | undefined;
}

function stepOf(h: TaskHistory, id: string): StepHistory {
  let step = h.steps.get(id);
  if (!step) {
    step = { id, attempts: [] };
    h.steps.set(id, step);
  }
  return step;
}

function attemptOf(h: TaskHistory, stepId: string, attempt: number): StepAttempt {
  const step = stepOf(h, stepId);
  let found = step.attempts.find((a) => a.attempt === attempt);
  if (!found) {
    found = { attempt, reviews: [] };
    step.attempts.push(found);
  }
  return found;
}

function milestoneOf(b: Body<"transition">): Pick<Milestone, "kind" | "text"> | undefined {
  const e = b.event;
  switch (e.type) {
    case "ESCALATE":
      return { kind: "escalated", text: `${e.reason}: ${e.detail}` };
    case "HUMAN_DECISION":
      return {
        kind: "human decision",
        text: `${e.decision} (${e.scope})${e.feedback === undefined ? "" : ` — "${e.feedback}"`}`,
      };
    case "FAIL":
      return { kind: "failed", text: e.error };
    case "ABORT":
      return { kind: "aborted", text: e.reason ?? "aborted by a human" };
    case "BASE_MOVED":
      return {
        kind: "reopened",
        text: `${e.branch} moved to ${e.sha.slice(0, 12)} and conflicts; ${e.step.id} merges it`,
      };
    default:
      return undefined;
  }
}

function applyStepEvent(h: TaskHistory, b: EventBody): void {
  switch (b.type) {
    case "step.attempt": {
      const a = attemptOf(h, b.stepId, b.attempt);
      a.implementer = b.implementer;
      if (b.feedback !== undefined) a.feedback = b.feedback;
      break;
    }
    case "implementation.recorded":
      attemptOf(h, b.stepId, b.attempt).implementation = b;
      break;
    case "code.reviewed":
      attemptOf(h, b.stepId, b.attempt).reviews.push(b);
      break;
    case "gate.finished":
      attemptOf(h, b.stepId, b.attempt).gate = b;
      break;
    case "step.committed":
      stepOf(h, b.stepId).commit = b;
      break;
    default:
      break;
  }
}

function applyEvent(h: TaskHistory, e: StoredEvent, stepId: string | undefined): void {
  const b = e.body;
  switch (b.type) {
    case "plan.recorded":
      h.plans.push({ round: b.round, author: b.author, plan: b.plan, reviews: [] });
      for (const s of b.plan.steps) stepOf(h, s.id);
      break;
    case "plan.reviewed":
      h.plans.at(-1)?.reviews.push({ reviewer: b.reviewer, review: b.review });
      break;
    case "plan.refused":
      h.milestones.push({
        at: e.at,
        stepId,
        kind: "note",
        text: `warn: plan of ${String(b.steps)} steps by ${b.author} refused: ${b.reason}`,
      });
      break;
    case "model.call":
      h.calls.push({ at: e.at, call: b });
      break;
    case "note":
      h.milestones.push({ at: e.at, stepId, kind: "note", text: `${b.level}: ${b.message}` });
      break;
    case "memory.recalled":
      if (b.lessons.length > 0 || b.fallbackReason !== undefined) {
        h.milestones.push({
          at: e.at,
          stepId: b.stepId ?? stepId,
          kind: "lessons recalled",
          text:
            `for the ${b.role} from ${b.source}: ` +
            (b.lessons.map((l) => `${l.id} (${l.title})`).join("; ") || "none") +
            (b.fallbackReason === undefined ? "" : ` — ${b.fallbackReason}`),
        });
      }
      break;
    case "memory.stored":
      h.milestones.push({
        at: e.at,
        stepId,
        kind: "lessons remembered",
        text:
          `${b.lessons.length} in ${b.backend}` +
          (b.queued > 0 ? `, ${b.queued} queued for retry` : "") +
          (b.error === undefined ? "" : ` — ${b.error}`),
      });
      break;
    case "github": {
      const where =
        b.pr !== undefined ? ` PR #${b.pr}` : b.issue !== undefined ? ` issue #${b.issue}` : "";
      const who = b.user === undefined ? "" : ` by @${b.user}`;
      const text = `GitHub: ${b.action.replace("_", " ")}${where}${who}${b.detail ? ` (${b.detail})` : ""}`;
      h.milestones.push({ at: e.at, stepId, kind: "note", text });
      break;
    }
    case "transition": {
      const m = milestoneOf(b);
      if (m) h.milestones.push({ at: e.at, stepId, ...m });
      break;
    }
    default:
      applyStepEvent(h, b);
  }
}

/** Folds a task's events (in log order) into its history. */
export function foldTaskHistory(
  taskId: string,
  task: Task | undefined,
  events: readonly StoredEvent[],
): TaskHistory {
  const registered = events.find((e) => e.body.type === "task.registered")?.body;
  const h: TaskHistory = {
    taskId,
    task: task ?? (registered?.type === "task.registered" ? registered.task : undefined),
    view: projectTask(taskId, events),
    plans: [],
    steps: new Map(),
    calls: [],
    milestones: [],
    runIds: [...new Set(events.flatMap((e) => (e.runId === null ? [] : [e.runId])))],
    firstAt: events[0]?.at,
    lastAt: events.at(-1)?.at,
  };
  let stepId: string | undefined;
  for (const e of events) {
    const b = e.body;
    if (b.type === "transition" && b.event.type === "START_STEP") stepId = b.event.stepId;
    applyEvent(h, e, stepId);
  }
  return h;
}

/** Totals of a list of model calls. */
export interface CallTotals {
  calls: number;
  failed: number;
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  costUsd: number;
  durationMs: number;
}

export function totalsOf(calls: readonly ModelCall[]): CallTotals {
  const t: CallTotals = {
    calls: 0,
    failed: 0,
    input: 0,
    output: 0,
    cacheRead: 0,
    cacheWrite: 0,
    costUsd: 0,
    durationMs: 0,
  };
  for (const { call } of calls) {
    t.calls += 1;
    if (!call.ok) t.failed += 1;
    t.input += call.usage.input;
    t.output += call.usage.output;
    t.cacheRead += call.usage.cacheRead;
    t.cacheWrite += call.usage.cacheWrite;
    t.costUsd += call.costUsd;
    t.durationMs += call.durationMs;
  }
  return t;
}
