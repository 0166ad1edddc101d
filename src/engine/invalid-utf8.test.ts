import { afterEach, describe, expect, it } from "vitest";
import { createHarness } from "../../test/support/engine-harness.js";
import type { Harness } from "../../test/support/engine-harness.js";
import { answer, happyScript, planJson } from "../../test/support/script-builder.js";
import type { EventBody } from "../core/events.js";

const TASK = "T-1";
const write = (content: string): string =>
  `Wrote it.\n<<<<<<< WRITE out/a.txt\n${content}\n>>>>>>> END\n`;

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.repo.cleanup();
  harness = undefined;
});

const calls = (events: readonly { body: EventBody }[]) =>
  events
    .map((e) => e.body)
    .filter((b): b is Extract<EventBody, { type: "model.call" }> => b.type === "model.call");

describe("an answer that is not valid UTF-8 is malformed", () => {
  it("text mode: edits holding U+FFFD are not applied; the repair is committed", async () => {
    harness = await createHarness({
      mode: "text",
      script: happyScript(
        TASK,
        [{ id: "S1", description: "Add a.txt", text: write("caf\uFFFD") }],
        [answer({ role: "implementer", repair: true, text: write("café") })],
      ),
    });
    const outcome = await harness.run();
    expect(outcome.status).toBe("DONE");
    expect(await harness.repo.sh("show", `orchestrator/${TASK}:out/a.txt`)).toBe("café");
    const implementer = calls(await harness.store.events(TASK)).filter(
      (c) => c.role === "implementer",
    );
    expect(implementer).toHaveLength(2);
    expect(implementer[1]?.prompt).toContain("the answer is not valid UTF-8");
  });

  it("JSON answers: a plan holding U+FFFD gets one repair request", async () => {
    const steps = [{ id: "S1", description: "Add a.txt", files: { "out/a.txt": "a\n" } }];
    harness = await createHarness({
      script: happyScript(TASK, steps, [
        answer({ role: "planner", text: planJson(TASK, steps).replace("Add a.txt", "Add \uFFFD") }),
        answer({ role: "planner", repair: true, text: planJson(TASK, steps) }),
      ]),
    });
    const outcome = await harness.run();
    expect(outcome.status).toBe("DONE");
    expect(outcome.view.plan?.steps[0]?.description).toBe("Add a.txt");
    const planner = calls(await harness.store.events(TASK)).filter((c) => c.role === "planner");
    expect(planner).toHaveLength(2);
    expect(planner[1]?.prompt).toContain("replacement character(s)");
  });
});
