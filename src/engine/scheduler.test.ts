import { describe, expect, it } from "vitest";
import type { Task } from "../core/task.js";
import { batchOrder } from "./scheduler.js";

function task(id: string, priority = 0, dependsOn: string[] = []): Task {
  return {
    id,
    goal: id,
    risk: "low",
    area: "docs",
    repoPath: "/tmp",
    repo: ".",
    contextFiles: [],
    constraints: [],
    priority,
    dependsOn,
    timeoutMs: 1000,
  };
}

describe("batchOrder", () => {
  it("runs higher priority first and keeps file order on ties", () => {
    const order = batchOrder([task("a"), task("b", 5), task("c"), task("d", 5)]);
    expect(order.map((t) => t.id)).toEqual(["b", "d", "a", "c"]);
  });

  it("runs dependencies before the tasks that need them, whatever their priority", () => {
    const order = batchOrder([task("docs", 9, ["core"]), task("core", 0), task("other", 1)]);
    expect(order.map((t) => t.id)).toEqual(["other", "core", "docs"]);
  });
});
