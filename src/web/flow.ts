import type { StoredEvent } from "../core/events.js";
import type { FlowPhase, FlowView } from "./api-types.js";

const PHASES: Readonly<Record<string, FlowPhase>> = {
  PLANNING: "planning",
  PLAN_REVIEW: "review",
  IMPLEMENTING: "implementing",
  CODE_REVIEW: "review",
  QUALITY_GATE: "gate",
  AWAITING_HUMAN_REVIEW: "waiting",
};

const ENDED = new Set(["DONE", "FAILED", "ABORTED", "NEW"]);

/**
 * The Gantt chart's bars: per task, one segment per stay in a state (planning, implementing,
 * review, gate, waiting for a human), from its `transition` events. A task's open segment runs
 * to `now`.
 */
export function buildFlow(
  logs: readonly { readonly taskId: string; readonly events: readonly StoredEvent[] }[],
  now: number,
): FlowView {
  const tasks: FlowView["tasks"][number][] = [];
  for (const log of logs) {
    const segments: FlowView["tasks"][number]["segments"][number][] = [];
    let open: { state: string; stepId: string | null; start: number } | undefined;
    let stepId: string | null = null;
    let state = "NEW";
    for (const e of log.events) {
      const b = e.body;
      if (b.type !== "transition") continue;
      if (b.event.type === "START_STEP") stepId = b.event.stepId;
      if (open) segments.push(segment(open, e.at));
      state = b.to;
      open = ENDED.has(b.to) ? undefined : { state: b.to, stepId, start: e.at };
    }
    if (open) segments.push(segment(open, now));
    const first = segments[0];
    const last = segments.at(-1);
    if (!first || !last) continue;
    tasks.push({ id: log.taskId, state, start: first.start, end: last.end, segments });
  }
  tasks.sort((a, b) => a.start - b.start);
  return { tasks, now };
}

function segment(
  open: { state: string; stepId: string | null; start: number },
  end: number,
): FlowView["tasks"][number]["segments"][number] {
  return {
    phase: PHASES[open.state] ?? "other",
    state: open.state,
    stepId: open.stepId,
    start: open.start,
    end: Math.max(end, open.start),
  };
}
