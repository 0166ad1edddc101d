import type { GateCheckResult, StoredEvent } from "../core/events.js";
import type { TaskView } from "../core/projection.js";
import type { EventListener } from "../core/event-listener.js";
import { heartbeatText } from "../logging/log-entries.js";
import type { Output } from "./output.js";

function stepLabel(view: TaskView): string {
  const index = view.steps.findIndex((s) => s.id === view.currentStepId);
  return index < 0 ? "" : ` ${view.currentStepId ?? ""} ${index + 1}/${view.steps.length}`;
}

function elapsed(view: TaskView, at: number): string {
  const seconds = view.startedAt === undefined ? 0 : Math.round((at - view.startedAt) / 1000);
  return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, "0")}s`;
}

/** The first line of the first failed check's summary, to show why a gate failed. */
function failureHint(checks: readonly GateCheckResult[]): string {
  const failed = checks.find((ch) => !ch.passed);
  const line = failed?.summary.split("\n").find((l) => l.trim() !== "");
  return line === undefined ? "" : ` — ${line.trim().slice(0, 160)}`;
}

/** One human line for an event, or undefined for events not worth a line. */
export function describeEvent(e: StoredEvent, view: TaskView, out: Output): string | undefined {
  const c = out.color;
  const b = e.body;
  const head = c.dim(`[${e.taskId}${stepLabel(view)} ${elapsed(view, e.at)}]`);
  switch (b.type) {
    case "transition":
      if (b.event.type === "ESCALATE")
        return `${head} ${c.yellow("AWAITING_HUMAN_REVIEW")} ${b.event.reason}: ${b.event.detail}`;
      if (b.to === "DONE") return `${head} ${c.green("DONE")}`;
      if (b.to === "FAILED" || b.to === "ABORTED") return `${head} ${c.red(b.to)}`;
      return `${head} ${b.from} -> ${c.cyan(b.to)}`;
    case "routing.decision":
      return `${head} route ${b.reason}`;
    case "model.call":
      return `${head} ${b.role} ${c.bold(b.model)}${b.attempt === undefined ? "" : ` attempt ${b.attempt}`}: ${
        b.ok
          ? `${b.usage.input + b.usage.output} tokens, $${b.costUsd.toFixed(4)}`
          : c.red(b.error ?? "failed")
      }`;
    case "model.heartbeat":
      return `${head} ${c.dim(heartbeatText(b))}`;
    case "note":
      // Budget warnings (`warn_at`), retries, cooldowns: never only in the JSON log.
      return b.level === "warn"
        ? `${head} ${c.yellow("warning")}: ${b.message}`
        : `${head} ${b.message}`;
    case "plan.recorded":
      return `${head} plan v${b.round} by ${b.author}: ${b.plan.steps.map((s) => s.id).join(", ")}`;
    case "plan.reviewed":
      return `${head} plan review by ${b.reviewer}: ${b.review.status}`;
    case "plan.refused":
      return `${head} ${c.yellow(`plan of ${String(b.steps)} steps refused`)}: ${b.reason}`;
    case "code.reviewed":
      return `${head} code review by ${b.reviewer}: ${
        b.review.status === "approved" ? c.green("approved") : c.yellow(b.review.status)
      }${b.review.review.required_changes.length ? ` (${b.review.review.required_changes.join("; ")})` : ""}`;
    case "gate.baseline":
      return `${head} baseline at ${b.sha.slice(0, 10)}: ${
        b.reused ? "reused from the cache" : `ran ${b.ran.join(", ")}`
      }`;
    case "gate.finished":
      return `${head} quality gate ${b.level}${b.levelReason === undefined ? "" : ` (${b.levelReason})`}: ${
        b.passed ? c.green("passed") : c.red("failed")
      } ${b.checks.map((ch) => `${ch.name}:${ch.passed ? "ok" : "FAIL"}`).join(" ")}${failureHint(b.checks)}`;
    case "implementation.recorded":
      return b.ok
        ? `${head} changed ${b.filesChanged.length} file(s): ${b.filesChanged.slice(0, 5).join(", ")}`
        : `${head} ${c.red("implementation failed")}: ${(b.error ?? "").split("\n")[0] ?? ""}`;
    case "step.committed":
      return b.skipped
        ? `${head} step skipped`
        : `${head} committed ${b.sha.slice(0, 10)} ${b.message}`;
    default:
      return undefined;
  }
}

/** The listener for `run`/`resume`: a line per notable event, or a JSON line per event. */
export function progressListener(out: Output): EventListener {
  return (event, view) => {
    if (out.json) {
      const body = event.body;
      out.emit({
        ...(body.type === "task.registered" ? { type: body.type, definition: body.task } : body),
        // Every line names its task by id (a registration's definition is under `definition`).
        seq: event.seq,
        task: event.taskId,
        run: event.runId,
        at: new Date(event.at).toISOString(),
        state: view.status,
      });
      return;
    }
    const line = describeEvent(event, view, out);
    if (line !== undefined) out.out(line);
  };
}
