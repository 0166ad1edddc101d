import type { EventBody, GateCheckResult, StoredEvent } from "../core/events.js";
import type { FeedbackOrigin, TaskView } from "../core/projection.js";
import type { TaskEvent } from "../core/state-machine.js";
import { failingTestNames } from "./failing-tests.js";

/** The levels the event log is written at. */
export type LogLevel = "debug" | "info" | "warn" | "error";

/** One log line for one recorded event: its level, its message and its structured fields. */
export interface LogEntry {
  readonly level: LogLevel;
  readonly msg: string;
  readonly fields: Readonly<Record<string, unknown>>;
}

/** What the log lines need beyond the event and the view. */
export interface LogEntryOptions {
  /** The attempt limit per step (quality_rules.yaml `retries.max_attempts`), for "k/n". */
  readonly maxAttempts?: number | undefined;
}

type Body<T extends EventBody["type"]> = Extract<EventBody, { type: T }>;

const entry = (level: LogLevel, msg: string, fields: LogEntry["fields"] = {}): LogEntry => ({
  level,
  msg,
  fields,
});

/** Costs to a millionth of a dollar, without float noise such as 0.018087000000000002. */
const roundUsd = (usd: number): number => Math.round(usd * 1e6) / 1e6;

const FEEDBACK_FROM: Readonly<Record<FeedbackOrigin, string>> = {
  quality_gate: "the quality gate",
  code_review: "the reviewer",
  edit_errors: "edit errors",
  human: "a human",
};

const ROLE_TITLE = { planner: "Planner", plan_reviewer: "Plan-Reviewer" } as const;

/** `implementer claude-sonnet still running: 45 s of its 600 s timeout`. */
export function heartbeatText(b: Body<"model.heartbeat">): string {
  const elapsed = `${String(Math.round(b.elapsedMs / 1000))} s`;
  const limit =
    b.timeoutMs > 0
      ? ` of its ${String(Math.round(b.timeoutMs / 1000))} s timeout`
      : " (no timeout)";
  return `${b.role} ${b.model} still running: ${elapsed}${limit}`;
}

function modelCall(b: Body<"model.call">): LogEntry {
  const fields = {
    role: b.role,
    model: b.model,
    provider: b.provider,
    model_id: b.modelId,
    attempt: b.attempt,
    tokens_in: b.usage.input,
    tokens_out: b.usage.output,
    tokens_cache_read: b.usage.cacheRead,
    tokens_cache_write: b.usage.cacheWrite,
    cost_usd: roundUsd(b.costUsd),
    duration_ms: Math.round(b.durationMs),
    ok: b.ok,
    ...(b.error === undefined ? {} : { error: b.error }),
  };
  if (!b.ok) return entry("warn", `${b.role} ${b.model} call failed: ${b.error ?? ""}`, fields);
  return entry(
    "info",
    `${b.role} ${b.model}: ${b.usage.input} in / ${b.usage.output} out tokens, ` +
      `$${b.costUsd.toFixed(4)}, ${Math.round(b.durationMs)} ms`,
    fields,
  );
}

function planReviewed(b: Body<"plan.reviewed">): LogEntry {
  const who = `${ROLE_TITLE.plan_reviewer} (${b.reviewer})`;
  if (b.review.status === "approved") {
    return entry("info", `${who} approved plan round ${b.round}`, { status: b.review.status });
  }
  const { missing_steps, concerns, suggestions } = b.review.review;
  const findings = [...missing_steps, ...concerns];
  return entry(
    "warn",
    `${who} ${b.review.status === "rejected" ? "REJECTED" : "asked to revise"} plan round ` +
      `${b.round}${findings.length > 0 ? `: ${findings.join("; ")}` : ""}`,
    { status: b.review.status, reviewer: b.reviewer, missing_steps, concerns, suggestions },
  );
}

function stepAttempt(b: Body<"step.attempt">, view: TaskView, o: LogEntryOptions): LogEntry {
  const step = view.steps.find((s) => s.id === b.stepId);
  const k = step?.attempts ?? b.attempt;
  const kn = o.maxAttempts === undefined ? `${k}` : `${k}/${o.maxAttempts}`;
  const fields = { attempt: b.attempt, attempt_in_cycle: k, implementer: b.implementer };
  if (b.attempt === 1)
    return entry("info", `Step ${b.stepId} attempt ${kn} by ${b.implementer}`, fields);
  const source = view.pendingFeedbackSource;
  const why =
    source === undefined
      ? "re-implementing"
      : `re-implementing with feedback from ${FEEDBACK_FROM[source]}`;
  return entry("info", `Step ${b.stepId} retry attempt ${kn}: ${why}`, {
    ...fields,
    ...(source === undefined ? {} : { feedback_from: source }),
  });
}

function codeReviewed(b: Body<"code.reviewed">, view: TaskView): LogEntry {
  const who = `Code-Reviewer (${b.reviewer})`;
  const author = `Implementer (${view.lastImplementer ?? "unknown"})`;
  const changes = b.review.review.required_changes;
  const fields = {
    status: b.review.status,
    reviewer: b.reviewer,
    implementer: view.lastImplementer,
    attempt: b.attempt,
    required_changes: changes,
    security_issues: b.review.review.security_issues,
  };
  if (b.review.status === "approved") {
    return entry("info", `${who} approved patch from ${author}`, fields);
  }
  const verb = b.review.status === "rejected" ? "REJECTED" : "requested changes to";
  const list = changes.length > 0 ? `: ${changes.join("; ")}` : "";
  return entry("warn", `${who} ${verb} patch from ${author}${list}`, fields);
}

function describeFailedCheck(check: GateCheckResult, tests: readonly string[]): string {
  if (check.timedOut) return `${check.name} timed out`;
  if (tests.length === 0) return `${check.name} failed`;
  const noun = tests.length === 1 ? "test" : "tests";
  return `${check.name} failed (${tests.length} ${noun}: ${tests.join(", ")})`;
}

function gateFinished(b: Body<"gate.finished">): LogEntry {
  const base = {
    gate_level: b.level,
    attempt: b.attempt,
    checks: b.checks.map((c) => c.name),
    ...(b.levelReason === undefined ? {} : { level_reason: b.levelReason }),
    ...(b.breaking === true ? { breaking: true } : {}),
  };
  if (b.passed) {
    const names = b.checks.map((c) => c.name).join(", ");
    return entry("info", `Quality gate ${b.level} passed${names ? ` (${names})` : ""}`, base);
  }
  const failed = b.checks.filter((c) => !c.passed);
  const tests = failed.map((c) => failingTestNames(c.summary));
  const parts = failed.map((c, i) => describeFailedCheck(c, tests[i] ?? []));
  return entry("warn", `Quality gate FAILED: ${parts.join("; ")}`, {
    ...base,
    failed_checks: failed.map((c) => c.name),
    failing_tests: tests.flat(),
  });
}

function transitionEntry(b: Body<"transition">, view: TaskView, taskId: string): LogEntry {
  const event: TaskEvent = b.event;
  const moved = { from: b.from, to: b.to, task_event: event.type };
  switch (event.type) {
    case "ESCALATE":
      return entry(
        "warn",
        `Task ${taskId} escalated to a human: ${event.reason}: ${event.detail}`,
        {
          ...moved,
          reason: event.reason,
          detail: event.detail,
        },
      );
    case "HUMAN_DECISION":
      return entry("info", `Human decision on ${taskId}: ${event.decision} (${event.scope})`, {
        ...moved,
        decision: event.decision,
        scope: event.scope,
        ...(event.feedback === undefined ? {} : { feedback: event.feedback }),
      });
    case "FAIL":
      return entry("error", `Task ${taskId} failed: ${event.error}`, {
        ...moved,
        error: event.error,
      });
    case "ABORT":
      return entry(
        "warn",
        `Task ${taskId} aborted${event.reason ? `: ${event.reason}` : ""}`,
        moved,
      );
    case "BASE_MOVED":
      return entry(
        "warn",
        `Task ${taskId} reopened to land: ${event.branch} moved to ${event.sha.slice(0, 12)} and ` +
          `conflicts; step ${event.step.id} merges it`,
        { ...moved, branch: event.branch, sha: event.sha, step: event.step.id },
      );
    case "ALL_STEPS_DONE": {
      const committed = view.steps.filter((s) => s.status === "committed").length;
      return entry(
        "info",
        `Task ${taskId} done: ${committed} step(s) committed, ${view.modelCalls} model calls, ` +
          `$${view.costUsd.toFixed(4)}`,
        {
          ...moved,
          steps_committed: committed,
          model_calls: view.modelCalls,
          cost_usd: roundUsd(view.costUsd),
          tokens_in: view.tokens.input,
          tokens_out: view.tokens.output,
        },
      );
    }
    default:
      return entry("debug", `${taskId} ${b.from} -> ${b.to}`, moved);
  }
}

function committed(b: Body<"step.committed">): LogEntry {
  if (b.skipped) return entry("info", `Step ${b.stepId} skipped`, { skipped: true });
  return entry("info", `Step ${b.stepId} committed ${b.sha.slice(0, 10)}: ${b.message}`, {
    sha: b.sha,
    commit_message: b.message,
  });
}

function implemented(b: Body<"implementation.recorded">): LogEntry {
  const fields = { attempt: b.attempt, ok: b.ok, files_changed: b.filesChanged };
  if (b.ok) {
    return entry(
      "info",
      `Step ${b.stepId} implemented: ${b.filesChanged.length} file(s) changed`,
      fields,
    );
  }
  const first = (b.error ?? "").split("\n")[0] ?? "";
  return entry("warn", `Step ${b.stepId} implementation failed: ${first}`, {
    ...fields,
    error: b.error,
  });
}

/**
 * The log line for one recorded event, with the seed's wording ("routing S2 ->
 * implementer=...", "Quality gate FAILED: ...", "Code-Reviewer (x) REJECTED patch from
 * Implementer (y): ...", "Step S2 retry attempt 2/3: ..."). `view` is the task's view with the
 * event already applied. Task and step ids are added by the caller.
 */
export function logEntryFor(
  event: StoredEvent,
  view: TaskView,
  options: LogEntryOptions = {},
): LogEntry {
  const b = event.body;
  switch (b.type) {
    case "task.registered":
      return entry("debug", `Task ${b.task.id} registered: ${b.task.goal}`, {
        risk: b.task.risk,
        area: b.task.area,
      });
    case "workspace.created":
      return entry("info", `Workspace ${b.branch} at ${b.baseSha.slice(0, 10)}`, {
        branch: b.branch,
        worktree: b.worktree,
        base_sha: b.baseSha,
      });
    case "routing.decision":
      return entry("info", `routing ${b.reason}`, {
        role: b.role,
        model: b.model,
        reason: b.reason,
      });
    case "model.call":
      return modelCall(b);
    case "model.heartbeat":
      return entry("info", heartbeatText(b), {
        role: b.role,
        model: b.model,
        attempt: b.attempt,
        elapsed_ms: b.elapsedMs,
        timeout_ms: b.timeoutMs,
      });
    case "plan.recorded":
      return entry(
        "info",
        `${ROLE_TITLE.planner} (${b.author}) plan round ${b.round}: ${b.plan.steps.map((s) => s.id).join(", ")}`,
        {
          author: b.author,
          round: b.round,
          steps: b.plan.steps.length,
        },
      );
    case "plan.reviewed":
      return planReviewed(b);
    case "plan.refused":
      return entry("warn", `Plan by ${b.author} refused (${b.steps} steps): ${b.reason}`, {
        author: b.author,
        round: b.round,
        steps: b.steps,
      });
    case "step.attempt":
      return stepAttempt(b, view, options);
    case "implementation.recorded":
      return implemented(b);
    case "code.reviewed":
      return codeReviewed(b, view);
    case "gate.finished":
      return gateFinished(b);
    case "gate.baseline":
      return entry(
        "info",
        `Gate baseline at ${b.sha.slice(0, 10)} ${b.reused ? "reused" : "recorded"}${b.ran.length > 0 ? ` (ran ${b.ran.join(", ")})` : ""}`,
        { base_sha: b.sha, config_hash: b.configHash, baseline_file: b.file, reused: b.reused },
      );
    case "step.committed":
      return committed(b);
    case "transition":
      return transitionEntry(b, view, event.taskId);
    case "note":
      return entry(b.level, b.message);
    case "effect.started":
    case "effect.finished":
      return entry("debug", `${b.type} ${b.effect} ${b.key}`, { effect: b.effect, key: b.key });
    case "memory.recalled":
      return entry(
        b.fallbackReason === undefined ? "info" : "warn",
        `Memory: ${b.lessons.length} lesson(s) recalled for ${b.role} from ${b.source}` +
          (b.lessons.length ? `: ${b.lessons.map((l) => l.title).join("; ")}` : "") +
          (b.fallbackReason === undefined ? "" : ` (${b.fallbackReason})`),
        { role: b.role, lessons: b.lessons.map((l) => l.id), source: b.source },
      );
    case "memory.stored":
      return entry(
        b.error === undefined ? "info" : "warn",
        `Memory: ${b.lessons.length} lesson(s) remembered in ${b.backend}` +
          (b.queued ? `, ${b.queued} queued for retry` : "") +
          (b.error === undefined ? "" : ` (${b.error})`),
        { lessons: b.lessons, backend: b.backend, queued: b.queued, delivered: b.delivered },
      );
    case "notification":
      return entry(
        b.ok ? "info" : "warn",
        `Notification ${b.kind} to ${b.sink} ${b.ok ? "sent" : "failed"} after ${b.attempts} attempt(s): ${b.title}`,
        { kind: b.kind, sink: b.sink, attempts: b.attempts, status: b.status, error: b.error },
      );
    case "github":
      return entry(b.action === "command_refused" ? "warn" : "info", githubLine(b), {
        github_action: b.action,
        ...(b.issue === undefined ? {} : { issue: b.issue }),
        ...(b.pr === undefined ? {} : { pr: b.pr }),
        ...(b.url === undefined ? {} : { url: b.url }),
      });
  }
}

function githubLine(b: Body<"github">): string {
  const target =
    b.pr !== undefined ? `PR #${b.pr}` : b.issue !== undefined ? `issue #${b.issue}` : "";
  const who = b.user === undefined ? "" : ` by @${b.user}`;
  const detail = b.detail === undefined ? "" : `: ${b.detail}`;
  return `GitHub ${b.action.replace("_", " ")} ${target}${who}${detail}`
    .replace(/\s+/g, " ")
    .trim();
}

const STEP_STATES = new Set(["IMPLEMENTING", "CODE_REVIEW", "QUALITY_GATE", "STEP_COMPLETE"]);

/** The step an event belongs to: its own step id, or the step the task is working on. */
export function stepIdOf(event: StoredEvent, view: TaskView): string | undefined {
  const b = event.body;
  if ("stepId" in b && b.stepId !== undefined) return b.stepId;
  if (b.type === "transition" && "stepId" in b.event) return b.event.stepId;
  if (b.type === "transition" && b.event.type === "ESCALATE") {
    return view.escalation?.scope === "step" ? view.currentStepId : undefined;
  }
  return STEP_STATES.has(view.status) ? view.currentStepId : undefined;
}
