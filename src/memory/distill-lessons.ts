import type { EventBody, StoredEvent } from "../core/events.js";
import type { Lesson, LessonKind } from "../core/lesson.js";
import type { Task } from "../core/task.js";

type Body<T extends EventBody["type"]> = Extract<EventBody, { type: T }>;

const SUMMARY_LINES = 6;

/** The first lines of a text, each trimmed, blank ones dropped. */
function firstLines(text: string, n = SUMMARY_LINES): string {
  return text
    .split("\n")
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== "")
    .slice(0, n)
    .join("\n");
}

function bodies<T extends EventBody["type"]>(events: readonly StoredEvent[], type: T): Body<T>[] {
  return events.map((e) => e.body).filter((b): b is Body<T> => b.type === type);
}

/**
 * The lessons of a finished task (DONE, escalated or failed), distilled from its event log
 * without a model call: gate failures and the fix that made the gate pass, review findings and
 * the change that satisfied them, a human's feedback and decision, and how the implementer
 * did on each step. Deterministic: the same log gives the same lessons with the same ids.
 */
export function distillLessons(events: readonly StoredEvent[], now: number): Lesson[] {
  const task = bodies(events, "task.registered")[0]?.task;
  if (!task) return [];
  const implementations = bodies(events, "implementation.recorded");
  const calls = bodies(events, "model.call");
  const modelsOf = (stepId?: string): string[] => [
    ...new Set(
      calls.filter((c) => stepId === undefined || c.stepId === stepId).map((c) => c.model),
    ),
  ];
  const fix = (stepId: string, attempt: number): Body<"implementation.recorded"> | undefined =>
    implementations.find((i) => i.stepId === stepId && i.attempt === attempt && i.ok);
  const make = (
    kind: LessonKind,
    key: string,
    fields: Pick<Lesson, "title" | "text" | "files" | "importance"> & { stepId?: string },
  ): Lesson => ({
    id: `${task.id}:${kind}:${key}`,
    kind,
    repository: task.repo,
    area: task.area,
    risk: task.risk,
    models: modelsOf(fields.stepId),
    taskId: task.id,
    source: kind === "human" ? "human" : "orchestrator",
    createdAt: now,
    ...fields,
    title: fields.title.slice(0, 200),
    text: fields.text.slice(0, 2000),
  });
  return [
    ...gateLessons(events, fix, make),
    ...reviewLessons(events, fix, make),
    ...humanLessons(events, task, make),
    ...modelResultLessons(events, calls, make),
  ];
}

type Make = (
  kind: LessonKind,
  key: string,
  fields: Pick<Lesson, "title" | "text" | "files" | "importance"> & { stepId?: string },
) => Lesson;
type Fix = (stepId: string, attempt: number) => Body<"implementation.recorded"> | undefined;

function fixText(change: Body<"implementation.recorded"> | undefined): string {
  if (!change) return "";
  return `Files changed: ${change.filesChanged.join(", ") || "none"}.${change.summary ? ` ${firstLines(change.summary, 3)}` : ""}`;
}

function gateLessons(events: readonly StoredEvent[], fix: Fix, make: Make): Lesson[] {
  const gates = bodies(events, "gate.finished");
  return gates
    .filter((g) => !g.passed)
    .map((failed) => {
      const checks = failed.checks.filter((c) => !c.passed);
      const names = checks.map((c) => c.name).join(", ") || "gate";
      const details = checks
        .map((c) => `${c.name}: ${firstLines(c.summary) || `exit code ${String(c.exitCode)}`}`)
        .join("\n");
      const passed = gates.find(
        (g) => g.passed && g.stepId === failed.stepId && g.attempt > failed.attempt,
      );
      const change = passed && fix(failed.stepId, passed.attempt);
      const first = firstLines(checks[0]?.summary ?? "", 1);
      const what = `The quality gate check ${names} failed on step ${failed.stepId} (attempt ${failed.attempt}):\n${details}`;
      if (change) {
        return make("gate_fix", `${failed.stepId}:${failed.attempt}`, {
          stepId: failed.stepId,
          title: `${names} failed${first ? `: ${first}` : ""} — fixed on attempt ${change.attempt}`,
          text: `${what}\nFixed on attempt ${change.attempt}. ${fixText(change)}`,
          files: change.filesChanged,
          importance: 0.7,
        });
      }
      return make("gate_unresolved", `${failed.stepId}:${failed.attempt}`, {
        stepId: failed.stepId,
        title: `${names} failed${first ? `: ${first}` : ""} — not fixed`,
        text: `${what}\nNo later attempt made it pass.`,
        files: fix(failed.stepId, failed.attempt)?.filesChanged ?? [],
        importance: 0.5,
      });
    });
}

function reviewLessons(events: readonly StoredEvent[], fix: Fix, make: Make): Lesson[] {
  const reviews = bodies(events, "code.reviewed");
  const lessons: Lesson[] = [];
  for (const r of reviews) {
    if (r.review.status === "approved") continue;
    const findings = [...r.review.review.required_changes, ...r.review.review.security_issues];
    if (findings.length === 0) continue;
    const approved = reviews.find(
      (a) => a.review.status === "approved" && a.stepId === r.stepId && a.attempt > r.attempt,
    );
    const change = approved && fix(r.stepId, approved.attempt);
    if (!change) continue;
    lessons.push(
      make("review_fix", `${r.stepId}:${r.attempt}`, {
        stepId: r.stepId,
        title: `review asked: ${findings[0] ?? ""}`,
        text:
          `The code reviewer (${r.reviewer}) required on step ${r.stepId}:\n` +
          findings.map((f) => `- ${f}`).join("\n") +
          `\nSatisfied on attempt ${change.attempt}. ${fixText(change)}`,
        files: change.filesChanged,
        importance: 0.6,
      }),
    );
  }
  return lessons;
}

function humanLessons(events: readonly StoredEvent[], task: Task, make: Make): Lesson[] {
  const lessons: Lesson[] = [];
  let escalation = "";
  for (const e of events) {
    if (e.body.type !== "transition") continue;
    const t = e.body.event;
    if (t.type === "ESCALATE") escalation = `${t.reason}: ${firstLines(t.detail, 3)}`;
    if (t.type !== "HUMAN_DECISION") continue;
    const feedback = t.feedback?.trim() ?? "";
    lessons.push(
      make("human", String(e.seq), {
        title: `a human decided ${t.decision}${feedback ? `: ${firstLines(feedback, 1)}` : ""}`,
        text:
          `On task ${task.id} (${task.goal.slice(0, 120)}) the orchestrator escalated ` +
          `(${escalation || "no reason recorded"}); a human decided ${t.decision} on the ${t.scope}.` +
          (feedback ? `\nTheir feedback: ${feedback}` : ""),
        files: [],
        importance: 1,
      }),
    );
  }
  return lessons;
}

function modelResultLessons(
  events: readonly StoredEvent[],
  calls: readonly Body<"model.call">[],
  make: Make,
): Lesson[] {
  const plan = bodies(events, "plan.recorded").at(-1)?.plan;
  const committed = new Set(bodies(events, "step.committed").map((c) => c.stepId));
  const implementations = bodies(events, "implementation.recorded");
  return (plan?.steps ?? [])
    .filter((s) => implementations.some((i) => i.stepId === s.id))
    .map((step) => {
      const mine = implementations.filter((i) => i.stepId === step.id);
      const attempts = Math.max(...mine.map((i) => i.attempt));
      const stepCalls = calls.filter((c) => c.stepId === step.id && c.role === "implementer");
      const cost = stepCalls.reduce((sum, c) => sum + c.costUsd, 0);
      const models = [...new Set(stepCalls.map((c) => c.model))].join(", ") || "unknown";
      const outcome = committed.has(step.id) ? "committed" : "not committed";
      const files = [...new Set(mine.flatMap((i) => i.filesChanged))];
      return make("model_result", step.id, {
        stepId: step.id,
        title: `implementer ${models} on a ${step.risk}-risk ${step.type} step: ${outcome} after ${attempts} attempt(s)`,
        text:
          `Implementer ${models} on step ${step.id} (${step.type}, risk ${step.risk}, files ` +
          `${files.join(", ") || "none"}): ${outcome} after ${attempts} attempt(s), cost $${cost.toFixed(4)}.`,
        files,
        importance: attempts > 1 || outcome !== "committed" ? 0.4 : 0.2,
      });
    });
}
