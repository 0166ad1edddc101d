import { afterEach, describe, expect, it, vi } from "vitest";
import type { GatePort } from "../core/gate-port.js";
import { answer, happyScript, planJson, reviewCode } from "../../test/support/script-builder.js";
import type { ScriptedStep } from "../../test/support/script-builder.js";
import { createHarness } from "../../test/support/engine-harness.js";
import type { Harness } from "../../test/support/engine-harness.js";
import { renderRunLog } from "./render-run-log.js";

const STEPS: ScriptedStep[] = [
  { id: "S1", description: "Create greet", files: { "greet.txt": "hi\n" } },
  { id: "S2", description: "Document greet", type: "docs", files: { "greet.md": "# greet\n" } },
];

/** Fails the gate's `test` check for the listed `<step>-attempt-<n>` keys; `lint` always passes. */
function gateFailing(keys: readonly string[]): GatePort {
  return (input) => {
    const failed = keys.some((k) => input.logDir.endsWith(k));
    return Promise.resolve({
      passed: !failed,
      checks: [
        {
          name: "test",
          passed: !failed,
          exitCode: failed ? 1 : 0,
          timedOut: false,
          durationMs: 1500,
          summary: failed ? "FAIL  test/greet.test.js > greets by name\nexpected 'hi!'" : "",
        },
        { name: "lint", passed: true, exitCode: 0, timedOut: false, durationMs: 20, summary: "" },
      ],
      feedback: failed ? "test failed" : "",
    });
  };
}

let harness: Harness | undefined;
afterEach(async () => {
  vi.useRealTimers();
  await harness?.repo.cleanup();
  harness = undefined;
});

async function logOf(h: Harness): Promise<string> {
  const events = await h.store.events("T-1");
  return renderRunLog({ title: "task T-1", tasks: [{ task: h.task, taskId: "T-1", events }] });
}

describe("renderRunLog", () => {
  it("shows plan rounds, reviews, attempts, gate checks, commits and costs", async () => {
    harness = await createHarness({
      script: happyScript("T-1", STEPS, [
        answer({ role: "planner", attempt: 1, text: planJson("T-1", STEPS.slice(0, 1)) }),
        answer({ role: "planner", attempt: 2, text: planJson("T-1", STEPS) }),
        answer({
          role: "plan_reviewer",
          attempt: 1,
          text: JSON.stringify({
            status: "needs_revision",
            review: { completeness: 4, missing_steps: ["Document greet"] },
          }),
        }),
        answer({ role: "plan_reviewer", attempt: 2, text: JSON.stringify({ status: "approved" }) }),
        answer({
          role: "code_reviewer",
          step: "S1",
          attempt: 1,
          text: reviewCode("needs_changes", ["Add a | docstring"]),
        }),
      ]),
      gate: gateFailing(["S1-attempt-2"]),
    });
    expect((await harness.run()).status).toBe("DONE");
    const md = await logOf(harness);

    expect(md).toContain("# Orchestrator run log: task T-1");
    expect(md).toContain("- **Outcome:** **DONE**");
    expect(md).toContain("- **Branch:** `orchestrator/T-1`");
    expect(md).toContain("**Round 1** — plan by `claude`, 1 step(s)");
    expect(md).toContain("- Review by `gemini`: **needs_revision** (completeness 4)");
    expect(md).toContain("  - Missing step: Document greet");
    expect(md).toContain("**Round 2** — plan by `claude`, 2 step(s)");
    expect(md).toMatch(
      /\| S2 \| docs \| low \| small \| Document greet \| committed [0-9a-f]{10} \|/,
    );

    expect(md).toContain("- **Attempt 1** by `claude`");
    expect(md).toContain(
      "  - Code review by `gemini`: **needs_changes** (correctness 5, code quality 8)",
    );
    expect(md).toContain("    - Required: Add a | docstring");
    expect(md).toContain(
      "  - Quality gate MEDIUM: **failed** — test failed (exit 1) in 1.5 s; lint passed in 20 ms",
    );
    expect(md).toContain("      FAIL  test/greet.test.js > greets by name");
    expect(md).toContain("- **Attempt 3** by `claude`, with feedback: test failed");

    const shas = (await harness.repo.sh("log", "--format=%H", "main..orchestrator/T-1")).split(
      "\n",
    );
    for (const sha of shas) expect(md).toContain(`- **Committed** \`${sha.slice(0, 10)}\``);

    const events = await harness.store.events("T-1");
    const calls = events.flatMap((e) => (e.body.type === "model.call" ? [e.body] : []));
    const cost = calls.reduce((sum, c) => sum + c.costUsd, 0);
    expect(md).toContain(`**Total:** 1 task(s), ${calls.length} model call(s)`);
    expect(md).toContain(`cost $${cost.toFixed(4)}`);
    expect(md).toMatch(
      /\| 1 \| planner \| claude \| - \| 1 \| [\d,]+ \| [\d,]+ \| 0 \/ 0 \| \$0\.\d{4} \|/,
    );
    expect(md).toContain("### Escalations and human decisions\n\nNone.");
  });

  it("records an escalation and the human decision with its feedback", async () => {
    harness = await createHarness({
      script: happyScript("T-1", STEPS.slice(0, 1)),
      gate: gateFailing(["S1-attempt-1", "S1-attempt-2", "S1-attempt-3"]),
    });
    expect((await harness.run()).status).toBe("AWAITING_HUMAN_REVIEW");
    const waiting = await logOf(harness);
    expect(waiting).toContain(
      "- **Outcome:** **AWAITING_HUMAN_REVIEW** — gate_failed: S1: quality",
    );
    expect(waiting).toMatch(
      /\*\*escalated\*\* \(S1\): gate_failed: S1: quality gate failed 3 times/,
    );

    await harness.engine().decide(harness.task, "retry", "Use the shared fixture");
    expect((await harness.run()).status).toBe("DONE");
    const done = await logOf(harness);
    expect(done).toMatch(
      /\*\*human decision\*\* \(S1\): retry \(step\) — ".*Use the shared fixture"/,
    );
    expect(done).toMatch(
      /- \*\*Attempt 4\*\* by `claude`, with feedback: .*Use the shared fixture/,
    );
    expect(done).toContain("- **Outcome:** **DONE**");
  });

  it("is a function of the events only: the same events give the same text later", async () => {
    harness = await createHarness({ script: happyScript("T-1", STEPS) });
    await harness.run();
    const first = await logOf(harness);
    vi.useFakeTimers();
    vi.setSystemTime(new Date("2031-01-01T00:00:00Z"));
    expect(await logOf(harness)).toBe(first);
    expect(first).not.toContain("2031");
  });

  it("says so when there is nothing to show", () => {
    expect(renderRunLog({ title: "run r1", tasks: [] })).toContain("No task events were recorded.");
  });
});
