import { describe, expect, it } from "vitest";
import type { EventBody, StoredEvent } from "../core/events.js";
import { emptyView } from "../core/projection.js";
import type { TaskView } from "../core/projection.js";
import { createOutput } from "./output.js";
import { ProgressBoard } from "./progress-board.js";

const out = createOutput(
  { stdout: process.stdout, stderr: process.stderr, env: { NO_COLOR: "1" } },
  false,
);

function event(taskId: string, at: number, body: EventBody): StoredEvent {
  return { seq: at, taskId, runId: "r", at, body };
}

function view(taskId: string, patch: Partial<TaskView>): TaskView {
  return { ...emptyView(taskId), ...patch };
}

describe("ProgressBoard", () => {
  it("keeps one line per task and a summary, redrawn in place", () => {
    const writes: string[] = [];
    let now = 10_000;
    const board = new ProgressBoard(
      out,
      (t) => writes.push(t),
      () => now,
      60_000,
    );
    const routed: EventBody = {
      type: "routing.decision",
      role: "implementer",
      model: "claude_sonnet",
      reason: "r",
    };
    const steps = [
      {
        id: "S1",
        type: "x",
        description: "d",
        status: "committed" as const,
        attempts: 1,
        currentAttempt: 1,
      },
      {
        id: "S2",
        type: "x",
        description: "d",
        status: "in_progress" as const,
        attempts: 2,
        currentAttempt: 2,
      },
    ];
    board.listener(
      event("A", 1000, routed),
      view("A", { status: "IMPLEMENTING", steps, currentStepId: "S2", startedAt: 0, costUsd: 0.5 }),
    );
    board.listener(
      event("B", 2000, { type: "note", level: "info", message: "x" }),
      view("B", { status: "DONE", startedAt: 0, updatedAt: 65_000, costUsd: 0.25 }),
    );
    now = 70_000;
    const lines = board.lines();
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(
      /^A\s+IMPLEMENTING\s+step 2\/2 attempt 2\s+claude_sonnet\s+1m10s\s+\$0\.5000$/,
    );
    expect(lines[1]).toMatch(/^B\s+DONE\s+.*1m05s\s+\$0\.2500$/);
    expect(lines[2]).toBe(
      "2 task(s): 1 running, 1 done, 0 waiting for a human, 0 failed — $0.7500, 1m00s",
    );
    // Each drawing moves the cursor up over the previous one (2 lines, then 3) before writing.
    expect(writes[1]?.startsWith("\u001b[2F")).toBe(true);
    board.stop();
    expect(writes.at(-1)?.startsWith("\u001b[3F")).toBe(true);
  });

  it("keeps a long call's line alive from its heartbeats and prints warnings above the board", () => {
    const writes: string[] = [];
    let now = 100_000;
    const board = new ProgressBoard(
      out,
      (t) => writes.push(t),
      () => now,
      60_000,
    );
    const running = view("A", { status: "PLANNING", startedAt: 80_000 });
    board.listener(
      event("A", 100_000, {
        type: "model.heartbeat",
        role: "planner",
        model: "gemini_pro",
        elapsedMs: 15_000,
        timeoutMs: 600_000,
      }),
      running,
    );
    board.listener(
      event("B", 100_500, { type: "note", level: "info", message: "x" }),
      view("B", {}),
    );
    // The timer's redraw 20 s later: the call's elapsed time has moved on without an event.
    now = 120_000;
    expect(board.lines()[0]).toMatch(/^A\s+PLANNING\s+gemini_pro planner 0m35s\/10m00s\s+0m40s/);
    board.listener(
      event("A", 121_000, {
        type: "note",
        level: "warn",
        message: "task A has spent $0.80 of its $1.00 budget (80%)",
      }),
      running,
    );
    // Up over the 3 drawn lines, cleared, the warning, then the board again below it.
    expect(writes.at(-2)).toBe(
      "\u001b[3F\u001b[JA: warning: task A has spent $0.80 of its $1.00 budget (80%)\n",
    );
    expect(writes.at(-1)?.startsWith("\u001b[2K")).toBe(true);
    board.listener(
      event("A", 122_000, {
        type: "model.call",
        role: "planner",
        model: "gemini_pro",
        provider: "gemini",
        modelId: "gemini-pro",
        family: "google",
        prompt: "p",
        response: "r",
        usage: { input: 1, output: 1, cacheRead: 0, cacheWrite: 0 },
        costUsd: 0,
        durationMs: 36_000,
        ok: true,
      }),
      running,
    );
    expect(board.lines()[0]).toMatch(/^A\s+PLANNING\s+gemini_pro\s+0m40s/);
    board.stop();
  });
});
