import { afterEach, describe, expect, it } from "vitest";
import type { EventBody } from "../../src/core/events.js";
import type { CheckSpec, ModelSpec, ModelsConfig } from "../../src/core/project-config.js";
import { createGatePort } from "../../src/gate/create-gate-port.js";
import { NodeProcessRunner } from "../../src/process/node-process-runner.js";
import { answer, APPROVE_PLAN, planJson, reviewCode } from "../support/script-builder.js";
import type { Script } from "../../src/providers/scripted-provider.js";
import { createHarness, rule, scripted } from "../support/engine-harness.js";
import type { Harness } from "../support/engine-harness.js";

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.repo.cleanup();
  harness = undefined;
});

const priced = (m: ModelSpec, input: number, output: number): ModelSpec => ({
  ...m,
  price: { input, output, cacheRead: input / 10, cacheWrite: 0 },
});

const TASKS = 30;
/** From this task on, the cheap model's changes break the tests. */
const FLASH_BREAKS_FROM = 21;
const ids = Array.from({ length: TASKS }, (_, i) => `T-${i + 1}`);

/** Attempt sizes of a real implementer and review, so the prices tell the models apart. */
const IMPLEMENTER_USAGE = { input: 20_000, output: 4_000 };
const REVIEW_USAGE = { input: 6_000, output: 600 };

/**
 * 30 one-step tasks alike (same area, risk and step type). Every implementer writes a correct
 * file, except `flash` from task FLASH_BREAKS_FROM on, whose file the tests reject.
 */
function script(): Script {
  const implement = (id: string, content: string, model?: string) =>
    answer({
      role: "implementer",
      task: id,
      step: "S1",
      ...(model === undefined ? {} : { model }),
      text: "Implemented S1.",
      files: { [`notes/${id}.txt`]: content },
      usage: IMPLEMENTER_USAGE,
    });
  return {
    answers: [
      ...ids.map((id) =>
        answer({
          role: "planner",
          task: id,
          text: planJson(id, [{ id: "S1", description: "Add a note" }]),
        }),
      ),
      answer({ role: "plan_reviewer", text: APPROVE_PLAN }),
      answer({ role: "code_reviewer", text: reviewCode("approved"), usage: REVIEW_USAGE }),
      ...ids.map((id) => implement(id, `note ${id}\n`)),
      ...ids.slice(FLASH_BREAKS_FROM - 1).map((id) => implement(id, "BROKEN\n", "flash")),
    ],
  };
}

/** The gate's one check, run for real by the engine's gate: no note may be broken. */
const NOTES_CHECK: CheckSpec = {
  name: "test",
  command: "! grep -rqs BROKEN notes",
  timeoutMs: 30_000,
  kind: "tests",
  env: {},
};

/**
 * Claude (dear; the rules' implementer) and flash (ten times cheaper), each reviewing the
 * other's work; `strategy: learned` with its default settings.
 */
const models = (m: ModelsConfig): ModelsConfig => ({
  models: new Map<string, ModelSpec>([
    ["claude", priced(scripted("claude", "anthropic", "strong"), 3, 15)],
    ["flash", priced(scripted("flash", "google", "cheap"), 0.3, 2.5)],
  ]),
  routing: {
    ...m.routing,
    strategy: "learned",
    rules: [
      rule(1, ["planner", "implementer"], ["claude"]),
      rule(2, ["plan_reviewer", "code_reviewer"], ["claude", "flash"]),
    ],
  },
});

type Decision = Extract<EventBody, { type: "routing.decision" }>;

/** The implementer of each attempt of a task's step, in order, with the decision's reason. */
async function implementers(h: Harness, id: string): Promise<Decision[]> {
  return (await h.store.events(id))
    .map((e) => e.body)
    .filter((b): b is Decision => b.type === "routing.decision" && b.role === "implementer");
}

describe("learned routing in the engine, across tasks", () => {
  it("moves 30 similar tasks to the cheaper implementer, and back once it starts failing", async () => {
    const checks = new Map([[NOTES_CHECK.name, NOTES_CHECK]]);
    const quality = {
      checks,
      levels: { TRIVIAL: ["test"], SMALL: ["test"], MEDIUM: ["test"], LARGE: ["test"] },
    };
    harness = await createHarness({
      script: script(),
      mode: "agent",
      quality,
      models,
      task: { risk: "low", area: "core" },
      gate: createGatePort(new NodeProcessRunner(), {
        ...quality,
        defaultLevel: "MEDIUM",
        maxAttempts: 3,
        planReviewRounds: 2,
        policyDocs: [],
        contextTokenBudget: 20_000,
      }),
    });
    const h = harness;
    const engine = h.engine();
    const firsts: string[] = [];
    const lasts: string[] = [];
    for (const id of ids) {
      const outcome = await engine.runTask({ ...h.task, id }, null);
      // Every task ends well: a failed cheap attempt is retried, never committed.
      expect(outcome.status, id).toBe("DONE");
      const all = await implementers(h, id);
      firsts.push(all[0]?.model ?? "none");
      lasts.push(all.at(-1)?.model ?? "none");
    }
    const before = firsts.slice(0, FLASH_BREAKS_FROM - 1);
    const after = firsts.slice(FLASH_BREAKS_FROM - 1);
    // It starts on the rules' choice, then moves to the cheaper model within the run and
    // keeps it while it succeeds: the last five good tasks all went to flash first.
    expect(before[0]).toBe("claude");
    const seen = firsts.join(" ");
    expect(before.slice(-5), seen).toEqual(Array(5).fill("flash"));
    // The first task that breaks starts on flash (nothing has failed yet) and its retry goes
    // to claude; the five tasks after it start on claude, and flash is re-tried at most twice
    // more in the rest of the run (Thompson sampling checks now and then; each try fails).
    expect(after[0], seen).toBe("flash");
    expect(lasts[FLASH_BREAKS_FROM - 1]).toBe("claude");
    expect(after.slice(1, 6), seen).toEqual(Array(5).fill("claude"));
    expect(after.filter((m) => m === "flash").length, seen).toBeLessThanOrEqual(3);
    // The broken file never reached the task branch.
    const broke = ids[FLASH_BREAKS_FROM - 1] ?? "";
    const shown = await h.repo.sh("show", `orchestrator/${broke}:notes/${broke}.txt`);
    expect(shown).toBe(`note ${broke}`);
  }, 600_000);
});
