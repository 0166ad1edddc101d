import { existsSync } from "node:fs";
import { hostname } from "node:os";
import { afterEach, describe, expect, it } from "vitest";
import type { StoredEvent } from "../core/events.js";
import type { GatePort } from "../core/gate-port.js";
import { answer, happyScript, planJson, reviewCode } from "../../test/support/script-builder.js";
import type { ScriptedStep } from "../../test/support/script-builder.js";
import { createHarness } from "../../test/support/engine-harness.js";
import type { Harness } from "../../test/support/engine-harness.js";

const STEPS: ScriptedStep[] = [
  { id: "S1", description: "Create the greeting module", files: { "src/greet.txt": "hello\n" } },
  {
    id: "S2",
    description: "Document the greeting",
    type: "docs",
    files: { "docs/greet.md": "# greet\n" },
  },
];

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.repo.cleanup();
  harness = undefined;
});

function bodies(events: readonly StoredEvent[]) {
  return events.map((e) => e.body);
}

async function eventsOf(h: Harness) {
  return bodies(await h.store.events(h.task.id));
}

async function promptsTo(h: Harness, role: string, stepId?: string): Promise<string[]> {
  return (await eventsOf(h)).flatMap((b) =>
    b.type === "model.call" && b.role === role && (stepId === undefined || b.stepId === stepId)
      ? [b.prompt]
      : [],
  );
}

/** A gate that fails the listed (step, attempt) pairs with a test-failure report. */
function gateFailing(failures: readonly string[]): GatePort & { calls: string[] } {
  const calls: string[] = [];
  const gate = (input: Parameters<GatePort>[0]) => {
    const key = input.logDir.split("/").at(-1) ?? "";
    calls.push(key);
    const failed = failures.includes(key);
    return Promise.resolve({
      passed: !failed,
      checks: [
        {
          name: "test",
          passed: !failed,
          exitCode: failed ? 1 : 0,
          timedOut: false,
          durationMs: 5,
          summary: failed ? "FAIL test/greet.test.js > greets by name" : "",
        },
      ],
      feedback: failed ? "Check test failed:\nFAIL test/greet.test.js > greets by name" : "",
    });
  };
  return Object.assign(gate, { calls });
}

describe("engine with scripted models", () => {
  it("runs the happy path to DONE with one commit per step and cross-family reviews", async () => {
    harness = await createHarness({ script: happyScript("T-1", STEPS) });
    const outcome = await harness.run();
    expect(outcome.status).toBe("DONE");
    expect(await harness.branchLog()).toEqual([
      "feat(T-1): S1 Create the greeting module",
      "docs(T-1): S2 Document the greeting",
    ]);
    const worktree = outcome.view.workspace!.worktree;
    // Outside the repository, and removed once the task is DONE; the branch holds the work.
    expect(worktree.startsWith(harness.repo.root)).toBe(false);
    expect(existsSync(worktree)).toBe(false);
    expect(await harness.repo.sh("worktree", "list")).not.toContain(worktree);
    expect(await harness.repo.sh("show", "orchestrator/T-1:src/greet.txt")).toBe("hello");
    const message = await harness.repo.sh("log", "-1", "--format=%B", "orchestrator/T-1");
    expect(message).toContain("Orchestrator-Step: S2");
    expect(message).toContain("Implemented-By: claude");
    expect(message).toContain("Reviewed-By: gemini (approved)");
    const calls = (await eventsOf(harness)).filter((b) => b.type === "model.call");
    const reviewers = calls.filter((c) => c.role.endsWith("reviewer")).map((c) => c.model);
    expect(new Set(reviewers)).toEqual(new Set(["gemini"]));
    expect(outcome.view.costUsd).toBeGreaterThan(0);
    // The scripted models report no cost of their own: the engine priced every call.
    expect(calls.every((c) => c.costSource === "prices" && c.costUsd > 0)).toBe(true);
  });

  it("sends a plan back for revision, then proceeds when it is approved", async () => {
    const revised: ScriptedStep[] = [
      ...STEPS,
      { id: "S3", description: "Export greet", files: { "src/index.txt": "greet\n" } },
    ];
    harness = await createHarness({
      script: happyScript("T-1", revised, [
        answer({ role: "planner", attempt: 1, text: planJson("T-1", STEPS) }),
        answer({ role: "planner", attempt: 2, text: planJson("T-1", revised) }),
        answer({
          role: "plan_reviewer",
          attempt: 1,
          text: JSON.stringify({
            status: "needs_revision",
            review: { missing_steps: ["Export greet from the index"] },
          }),
        }),
        answer({ role: "plan_reviewer", attempt: 2, text: JSON.stringify({ status: "approved" }) }),
      ]),
    });
    const outcome = await harness.run();
    expect(outcome.status).toBe("DONE");
    expect(await harness.branchLog()).toHaveLength(3);
    const plannerPrompts = await promptsTo(harness, "planner");
    expect(plannerPrompts).toHaveLength(2);
    expect(plannerPrompts[1]).toContain("Export greet from the index");
  });

  it("escalates a rejected plan to a human with the reason", async () => {
    harness = await createHarness({
      script: happyScript("T-1", STEPS, [
        answer({
          role: "plan_reviewer",
          text: JSON.stringify({ status: "rejected", review: { concerns: ["Goal is unsafe"] } }),
        }),
      ]),
    });
    const outcome = await harness.run();
    expect(outcome.status).toBe("AWAITING_HUMAN_REVIEW");
    expect(outcome.view.escalation).toMatchObject({ reason: "plan_rejected", scope: "plan" });
    expect(outcome.view.escalation?.detail).toContain("Goal is unsafe");
    expect(await harness.branchLog()).toEqual([]);
  });

  it("feeds review findings back to the implementer and commits the fixed change", async () => {
    harness = await createHarness({
      script: happyScript("T-1", STEPS, [
        answer({
          role: "code_reviewer",
          step: "S1",
          attempt: 1,
          text: reviewCode("needs_changes", ["Add a trailing exclamation mark"]),
        }),
        answer({
          role: "implementer",
          step: "S1",
          attempt: 2,
          files: { "src/greet.txt": "hello!\n" },
        }),
      ]),
    });
    const outcome = await harness.run();
    expect(outcome.status).toBe("DONE");
    const prompts = await promptsTo(harness, "implementer", "S1");
    expect(prompts).toHaveLength(2);
    expect(prompts[1]).toContain("Add a trailing exclamation mark");
    const content = await harness.repo.sh("show", "orchestrator/T-1~1:src/greet.txt");
    expect(content).toBe("hello!");
    expect(await harness.repo.sh("log", "-1", "--format=%B", "orchestrator/T-1~1")).toContain(
      "Attempts: 2",
    );
  });

  it("feeds a gate failure back and passes on the retry", async () => {
    const gate = gateFailing(["S1-attempt-1"]);
    harness = await createHarness({ script: happyScript("T-1", STEPS), gate });
    const outcome = await harness.run();
    expect(outcome.status).toBe("DONE");
    expect(gate.calls).toEqual(["S1-attempt-1", "S1-attempt-2", "S2-attempt-1"]);
    const prompts = await promptsTo(harness, "implementer", "S1");
    expect(prompts[1]).toContain("greets by name");
    expect(await harness.branchLog()).toHaveLength(2);
  });

  it("escalates after three gate failures and commits nothing for the step", async () => {
    const gate = gateFailing(["S1-attempt-1", "S1-attempt-2", "S1-attempt-3"]);
    harness = await createHarness({ script: happyScript("T-1", STEPS), gate });
    const outcome = await harness.run();
    expect(outcome.status).toBe("AWAITING_HUMAN_REVIEW");
    expect(outcome.view.escalation).toMatchObject({ reason: "gate_failed", scope: "step" });
    expect(outcome.view.escalation?.detail).toContain("3 times");
    expect(await harness.branchLog()).toEqual([]);
  });

  describe("human review options after an escalation", () => {
    async function escalated(): Promise<Harness> {
      const gate = gateFailing(["S1-attempt-1", "S1-attempt-2", "S1-attempt-3"]);
      const h = await createHarness({
        script: happyScript("T-1", STEPS, [
          answer({
            role: "implementer",
            step: "S1",
            attempt: 4,
            files: { "src/greet.txt": "fixed by retry\n" },
          }),
        ]),
        gate,
      });
      expect((await h.run()).status).toBe("AWAITING_HUMAN_REVIEW");
      return h;
    }

    it("approve: commits the current change, marked as approved by a human", async () => {
      harness = await escalated();
      await harness.engine().decide(harness.task, "approve");
      expect((await harness.run()).status).toBe("DONE");
      const message = await harness.repo.sh("log", "-1", "--format=%B", "orchestrator/T-1~1");
      expect(message).toContain("Approved-By: human");
      expect(message).toContain("Quality-Gate: failed");
    });

    it("retry with feedback: the next attempt gets the human's words", async () => {
      harness = await escalated();
      await harness.engine().decide(harness.task, "retry", "Use the shared test fixture");
      const outcome = await harness.run();
      // Attempt 4 gets three more tries, and the fake gate passes it.
      expect(outcome.status).toBe("DONE");
      const prompts = await promptsTo(harness, "implementer", "S1");
      expect(prompts).toHaveLength(4);
      expect(prompts[3]).toContain("Use the shared test fixture");
      expect(await harness.repo.sh("show", "orchestrator/T-1~1:src/greet.txt")).toBe(
        "fixed by retry",
      );
    });

    it("skip: completes the step without a commit and goes on", async () => {
      harness = await escalated();
      await harness.engine().decide(harness.task, "skip_step");
      const outcome = await harness.run();
      expect(outcome.status).toBe("DONE");
      expect(await harness.branchLog()).toEqual(["docs(T-1): S2 Document the greeting"]);
      expect(outcome.view.steps.map((s) => s.status)).toEqual(["skipped", "committed"]);
    });

    it("abort: ends ABORTED and removes the worktree; the branch stays", async () => {
      harness = await escalated();
      const worktree = (await harness.store.events("T-1")).find(
        (e) => e.body.type === "workspace.created",
      );
      await harness.engine().decide(harness.task, "abort");
      expect((await harness.run()).status).toBe("ABORTED");
      expect(await harness.repo.sh("branch", "--list", "orchestrator/*")).toBe("orchestrator/T-1");
      expect(
        worktree?.body.type === "workspace.created" && existsSync(worktree.body.worktree),
      ).toBe(false);
    });

    it("refuses a decision on a task that is not waiting", async () => {
      harness = await createHarness({ script: happyScript("T-1", STEPS) });
      await harness.run();
      await expect(harness.engine().decide(harness.task, "approve")).rejects.toThrow(
        "task T-1 is DONE, not AWAITING_HUMAN_REVIEW",
      );
    });
  });

  it("aborts a task on request: ABORTED, worktree gone, branch kept", async () => {
    harness = await createHarness({
      script: happyScript("T-1", STEPS),
      gate: gateFailing(["S1-attempt-1", "S1-attempt-2", "S1-attempt-3"]),
    });
    await harness.run();
    const view = await harness.engine().abortTask(harness.task);
    expect(view.status).toBe("ABORTED");
    expect(await harness.repo.sh("branch", "--list", "orchestrator/*")).toBe("orchestrator/T-1");
    expect(existsSync(view.workspace!.worktree)).toBe(false);
  });

  it("escalates with reason timeout when the task runs past its timeout", async () => {
    harness = await createHarness({
      script: happyScript("T-1", STEPS, [
        answer({ role: "implementer", step: "S1", delay_ms: 5_000, files: {} }),
      ]),
      task: { timeoutMs: 300 },
    });
    const started = Date.now();
    const outcome = await harness.run();
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(outcome.status).toBe("AWAITING_HUMAN_REVIEW");
    expect(outcome.view.escalation?.reason).toBe("timeout");
  });

  it("asks once to repair malformed JSON, then uses the repaired answer", async () => {
    harness = await createHarness({
      script: happyScript("T-1", STEPS, [
        answer({ role: "planner", text: "Here is my plan: {not json" }),
        answer({ role: "planner", repair: true, text: planJson("T-1", STEPS) }),
      ]),
    });
    expect((await harness.run()).status).toBe("DONE");
    const planner = (await eventsOf(harness)).filter(
      (b) => b.type === "model.call" && b.role === "planner",
    );
    expect(planner).toHaveLength(2);
  });

  it("escalates when a model answers malformed JSON on every attempt", async () => {
    harness = await createHarness({
      script: happyScript("T-1", STEPS, [
        answer({ role: "code_reviewer", text: "LGTM" }),
        answer({ role: "code_reviewer", repair: true, text: "Still LGTM" }),
      ]),
    });
    const outcome = await harness.run();
    expect(outcome.status).toBe("AWAITING_HUMAN_REVIEW");
    expect(outcome.view.escalation?.reason).toBe("model_error");
    expect(outcome.view.escalation?.detail).toContain("malformed");
  });

  it("refuses to run a task whose lease another process holds", async () => {
    harness = await createHarness({ script: happyScript("T-1", STEPS) });
    await harness.store.acquireLease("T-1", "someone else", 60_000);
    await expect(harness.run()).rejects.toThrow("being run by another orchestrator process");
  });

  it("refuses to abort a task another live process runs, and says how to stop it", async () => {
    harness = await createHarness({ script: happyScript("T-1", STEPS) });
    // A live process on this machine (this one, under another lease nonce).
    await harness.store.acquireLease("T-1", `${hostname()}:${process.pid}:abcdef12`, 60_000);
    await expect(harness.engine().abortTask(harness.task)).rejects.toThrow(
      `stop it first: press Ctrl-C in the terminal where it runs (or kill -INT ${process.pid} on ${hostname()})`,
    );
  });
});
