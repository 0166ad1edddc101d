import { afterEach, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../../test/support/engine-harness.js";
import { happyScript } from "../../test/support/script-builder.js";
import type { ScriptedStep } from "../../test/support/script-builder.js";
import type { GatePort } from "../core/gate-port.js";

const STEPS: ScriptedStep[] = [
  { id: "S1", description: "Change the API", files: { "src/api.txt": "v2\n" } },
  { id: "S2", description: "Use it", files: { "src/use.txt": "uses v2\n" } },
];

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.repo.cleanup();
  harness = undefined;
});

/** A gate whose S1 fails a breaking-change check, recording what the engine asked. */
function breakingGate(): GatePort & { inputs: Parameters<GatePort>[0][] } {
  const inputs: Parameters<GatePort>[0][] = [];
  const gate: GatePort = async (input) => {
    inputs.push(input);
    await input.onBaseline?.({
      sha: input.baseSha ?? "",
      configHash: "h",
      file: "f.json",
      checks: ["api"],
      ran: inputs.length === 1 ? ["api"] : [],
      reused: inputs.length > 1,
      durationMs: 1,
    });
    const failed = input.logDir.endsWith("S1-attempt-1");
    return {
      passed: !failed,
      level: "LARGE",
      levelReason: "high-risk step",
      breaking: failed,
      checks: [
        {
          name: "api",
          kind: "breaking",
          passed: !failed,
          exitCode: failed ? 1 : 0,
          timedOut: false,
          durationMs: 3,
          summary: failed ? "API report changed" : "",
        },
      ],
      feedback: failed ? "## check `api` (breaking) failed" : "",
    };
  };
  return Object.assign(gate, { inputs });
}

describe("the QUALITY_GATE state", () => {
  it("escalates a breaking change to a human at once, and records baseline and level", async () => {
    const gate = breakingGate();
    harness = await createHarness({ script: happyScript("T-1", STEPS), gate });
    const outcome = await harness.run();
    expect(outcome.status).toBe("AWAITING_HUMAN_REVIEW");
    expect(outcome.view.escalation).toMatchObject({ reason: "breaking_change", scope: "step" });
    expect(outcome.view.escalation?.detail).toContain("api");
    expect(gate.inputs).toHaveLength(1);
    const input = gate.inputs[0];
    expect(input?.baseSha).toBe(outcome.view.workspace?.baseSha);
    expect(input?.choose).toMatchObject({ isFinal: false, defaultLevel: "MEDIUM" });

    const bodies = (await harness.store.events(harness.task.id)).map((e) => e.body);
    expect(bodies.find((b) => b.type === "gate.baseline")).toMatchObject({ reused: false });
    expect(bodies.find((b) => b.type === "gate.finished")).toMatchObject({
      level: "LARGE",
      levelReason: "high-risk step",
      breaking: true,
      passed: false,
    });
  });

  it("tells the gate which step is the last", async () => {
    const gate = breakingGate();
    harness = await createHarness({
      script: happyScript("T-1", STEPS.slice(1)),
      gate,
    });
    const outcome = await harness.run();
    expect(outcome.status).toBe("DONE");
    expect(gate.inputs.map((i) => i.choose?.isFinal)).toEqual([true]);
  });
});
