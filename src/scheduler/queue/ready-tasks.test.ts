import { describe, expect, it } from "vitest";
import type { TaskState } from "../../core/state-machine.js";
import { sampleTask } from "../../../test/support/store-contract.js";
import { readyToEnqueue, waitingFor } from "./ready-tasks.js";

const task = (id: string, dependsOn: string[] = [], priority = 0) => ({
  ...sampleTask(id),
  dependsOn,
  priority,
});

describe("readyToEnqueue", () => {
  const tasks = [task("A"), task("B", ["A"]), task("C", ["A", "B"]), task("D", [], 5), task("E")];
  const status = (states: Record<string, TaskState>) => (id: string) => states[id] ?? "NEW";

  it("takes submitted NEW tasks whose dependencies are DONE, highest priority first", () => {
    const all = new Set(["A", "B", "C", "D"]);
    expect(readyToEnqueue(tasks, status({}), all).map((t) => t.id)).toEqual(["D", "A"]);
    expect(readyToEnqueue(tasks, status({ A: "DONE", D: "DONE" }), all).map((t) => t.id)).toEqual([
      "B",
    ]);
    expect(
      readyToEnqueue(tasks, status({ A: "DONE", B: "DONE", D: "DONE" }), all).map((t) => t.id),
    ).toEqual(["C"]);
  });

  it("leaves out started, failed and unsubmitted tasks, and dependents of unfinished ones", () => {
    const states = status({ A: "AWAITING_HUMAN_REVIEW", D: "IMPLEMENTING" });
    expect(readyToEnqueue(tasks, states, new Set(["A", "B", "C", "D"]))).toEqual([]);
    expect(readyToEnqueue(tasks, status({}), new Set(["E"])).map((t) => t.id)).toEqual(["E"]);
  });

  it("names what a task waits for", () => {
    expect(waitingFor(task("C", ["A", "B"]), status({ A: "DONE" }))).toEqual(["B"]);
  });
});
