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
});
