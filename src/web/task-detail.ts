import type { StoredEvent } from "../core/events.js";
import type { Task } from "../core/task.js";
import { foldTaskHistory, renderRunLog } from "../runlog/index.js";
import type { TaskHistory } from "../runlog/index.js";
import type { StepAttempt } from "../runlog/task-history.js";
import type { AttemptDetail, CallSummary, StepDetail, TaskDetail } from "./api-types.js";
import { summarizeTask, taskDefinition } from "./task-summary.js";

function attemptDetail(a: StepAttempt): AttemptDetail {
  const impl = a.implementation;
  return {
    attempt: a.attempt,
    implementer: a.implementer ?? null,
    feedback: a.feedback ?? null,
    diff: impl?.diff ?? null,
    filesChanged: impl?.filesChanged ?? [],
    summary: impl?.summary ?? null,
    error: impl?.error ?? null,
    reviews: a.reviews.map((r) => ({ reviewer: r.reviewer, review: r.review })),
    gate: a.gate
      ? {
          level: a.gate.level,
          levelReason: a.gate.levelReason ?? null,
          passed: a.gate.passed,
          checks: a.gate.checks,
          feedback: a.gate.feedback,
        }
      : null,
  };
}

function stepsOf(h: TaskHistory): StepDetail[] {
  return [...h.steps.values()].map((s) => {
    const planned = h.view.steps.find((v) => v.id === s.id);
    return {
      id: s.id,
      type: planned?.type ?? "",
      description: planned?.description ?? "",
      status: planned?.status ?? (s.commit ? "committed" : "pending"),
      attempts: s.attempts.map(attemptDetail),
      commit: s.commit
        ? { sha: s.commit.sha, message: s.commit.message, skipped: s.commit.skipped }
        : null,
    };
  });
}

function callsOf(events: readonly StoredEvent[]): CallSummary[] {
  const calls: CallSummary[] = [];
  for (const e of events) {
    const b = e.body;
    if (b.type !== "model.call") continue;
    calls.push({
      seq: e.seq,
      at: e.at,
      role: b.role,
      model: b.model,
      modelId: b.modelId,
      stepId: b.stepId ?? null,
      attempt: b.attempt ?? null,
      ok: b.ok,
      error: b.error ?? null,
      usage: b.usage,
      costUsd: b.costUsd,
      durationMs: b.durationMs,
      hasTranscript: b.transcript !== undefined,
    });
  }
  return calls;
}

/** Everything the task page shows, from the task's events alone. */
export function buildTaskDetail(
  taskId: string,
  task: Task | undefined,
  events: readonly StoredEvent[],
): TaskDetail {
  const definition = taskDefinition(taskId, task, events);
  const h = foldTaskHistory(taskId, definition, events);
  const view = h.view;
  const e = view.escalation;
  return {
    summary: summarizeTask(definition, view),
    branch: view.workspace?.branch ?? null,
    escalation: e
      ? {
          reason: e.reason,
          detail: e.detail,
          scope: e.scope,
          findings: (e.scope === "plan" ? view.planFeedback : view.pendingFeedback) ?? "",
        }
      : null,
    plans: h.plans,
    steps: stepsOf(h),
    calls: callsOf(events),
    milestones: h.milestones.map((m) => ({ at: m.at, kind: m.kind, text: m.text })),
    tokens: view.tokens,
    runLog: renderRunLog({
      title: `task ${taskId}`,
      tasks: [{ task: definition, taskId, events }],
    }),
  };
}

/** The transcript file a model call recorded, if any (only files the log names are served). */
export function transcriptPath(events: readonly StoredEvent[], seq: number): string | undefined {
  const e = events.find((x) => x.seq === seq);
  return e?.body.type === "model.call" ? e.body.transcript : undefined;
}
