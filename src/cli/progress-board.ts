import type { StoredEvent } from "../core/events.js";
import type { TaskView } from "../core/projection.js";
import type { EventListener } from "../core/event-listener.js";
import type { Output } from "./output.js";

/** What one line of the board shows about a task. */
interface Row {
  readonly taskId: string;
  view: TaskView;
  model: string;
  lastEventAt: number;
  /** The model call in flight, known from its heartbeats; cleared when the call ends. */
  call?: { role: string; startedAt: number; timeoutMs: number } | undefined;
}

const ESC = "\u001b[";

function clock(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, "0")}s`;
}

/** `step k/n attempt a` of the task's current step, or empty before planning. */
function stepText(view: TaskView): string {
  const index = view.steps.findIndex((s) => s.id === view.currentStepId);
  if (index < 0) return view.plan ? `${view.steps.length} steps` : "";
  const attempt = view.steps[index]?.currentAttempt ?? 0;
  return `step ${index + 1}/${view.steps.length}${attempt > 1 ? ` attempt ${attempt}` : ""}`;
}

const FINISHED = new Set(["DONE", "FAILED", "ABORTED", "AWAITING_HUMAN_REVIEW"]);

/**
 * The live view of a run with many tasks on a terminal: one line per task (state, step k/n,
 * attempt, model, elapsed, cost) and a summary line, redrawn in place. Each event refreshes its
 * task's line; a timer keeps the elapsed times moving between events.
 */
export class ProgressBoard {
  private readonly rows = new Map<string, Row>();
  private drawn = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly startedAt: number;

  constructor(
    private readonly out: Output,
    private readonly write: (text: string) => void,
    private readonly now: () => number = Date.now,
    private readonly refreshMs = 1000,
  ) {
    this.startedAt = now();
  }

  /** The listener to hand to the engine. */
  readonly listener: EventListener = (event: StoredEvent, view: TaskView) => {
    const row = this.rows.get(event.taskId) ?? {
      taskId: event.taskId,
      view,
      model: "",
      lastEventAt: event.at,
    };
    row.view = view;
    row.lastEventAt = event.at;
    const body = event.body;
    if (body.type === "routing.decision") row.model = body.model;
    if (body.type === "model.call") {
      row.model = body.model;
      row.call = undefined;
    }
    if (body.type === "model.heartbeat") {
      row.model = body.model;
      row.call = {
        role: body.role,
        startedAt: event.at - body.elapsedMs,
        timeoutMs: body.timeoutMs,
      };
    }
    this.rows.set(event.taskId, row);
    this.start();
    // A warning (a budget's warn_at, a cooldown) is printed above the board, where it stays.
    if (body.type === "note" && body.level === "warn") {
      this.printAbove(`${event.taskId}: ${this.out.color.yellow("warning")}: ${body.message}`);
    }
    this.draw();
  };

  /** Writes a line above the board; the next drawing goes below it. */
  private printAbove(line: string): void {
    const up = this.drawn > 0 ? `${ESC}${this.drawn}F${ESC}J` : "";
    this.write(`${up}${line}\n`);
    this.drawn = 0;
  }

  /** `claude-sonnet planner 1m05s/10m00s` while a call runs long, else the model. */
  private modelText(row: Row, now: number): string {
    if (FINISHED.has(row.view.status)) return "";
    if (row.call === undefined) return row.model;
    const limit = row.call.timeoutMs > 0 ? `/${clock(row.call.timeoutMs)}` : "";
    return `${row.model} ${row.call.role} ${clock(now - row.call.startedAt)}${limit}`;
  }

  /** The lines of the board as they would be drawn now. */
  lines(): string[] {
    const c = this.out.color;
    const now = this.now();
    const rows = [...this.rows.values()];
    const width = Math.max(4, ...rows.map((r) => r.taskId.length));
    const lines = rows.map((r) => {
      const v = r.view;
      const state = v.status.padEnd(21);
      const colored =
        v.status === "DONE"
          ? c.green(state)
          : v.status === "AWAITING_HUMAN_REVIEW" || v.status === "FAILED" || v.status === "ABORTED"
            ? c.yellow(state)
            : c.cyan(state);
      const end = FINISHED.has(v.status) ? (v.updatedAt ?? now) : now;
      const elapsed = v.startedAt === undefined ? "" : clock(end - v.startedAt);
      return [
        r.taskId.padEnd(width),
        colored,
        stepText(v).padEnd(20),
        this.modelText(r, now).padEnd(16),
        elapsed.padStart(6),
        `$${v.costUsd.toFixed(4)}`,
      ].join("  ");
    });
    const count = (pred: (s: string) => boolean): number =>
      rows.filter((r) => pred(r.view.status)).length;
    const cost = rows.reduce((sum, r) => sum + r.view.costUsd, 0);
    lines.push(
      c.bold(
        `${rows.length} task(s): ${count((s) => !FINISHED.has(s))} running, ` +
          `${count((s) => s === "DONE")} done, ${count((s) => s === "AWAITING_HUMAN_REVIEW")} ` +
          `waiting for a human, ${count((s) => s === "FAILED" || s === "ABORTED")} failed — ` +
          `$${cost.toFixed(4)}, ${clock(now - this.startedAt)}`,
      ),
    );
    return lines;
  }

  /** Redraws the board over its previous drawing. */
  draw(): void {
    const lines = this.lines();
    const up = this.drawn > 0 ? `${ESC}${this.drawn}F` : "";
    this.write(`${up}${lines.map((l) => `${ESC}2K${l}`).join("\n")}\n${ESC}J`);
    this.drawn = lines.length;
  }

  /** Stops the timer and leaves the last drawing on screen. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.rows.size > 0) this.draw();
  }

  private start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.draw();
    }, this.refreshMs);
    this.timer.unref();
  }
}
