import { describe, expect, it } from "vitest";
import type { Task } from "../core/task.js";
import type { DependencyStatus } from "./readiness.js";
import { classifyPending, dependencyOrder } from "./readiness.js";

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

describe("dependencyOrder", () => {
  it("runs higher priority first and keeps file order on ties", () => {
    const order = dependencyOrder([task("a"), task("b", 5), task("c"), task("d", 5)]);
    expect(order.map((t) => t.id)).toEqual(["b", "d", "a", "c"]);
  });

  it("runs dependencies before the tasks that need them, whatever their priority", () => {
    const order = dependencyOrder([task("docs", 9, ["core"]), task("core", 0), task("other", 1)]);
    expect(order.map((t) => t.id)).toEqual(["other", "core", "docs"]);
  });
});

describe("classifyPending", () => {
  it("is ready only when every dependency is DONE, waiting while one is pending or running", () => {
    const states: Record<string, DependencyStatus> = {
      a: "DONE",
      b: "running",
      c: "AWAITING_HUMAN_REVIEW",
    };
    const r = classifyPending(
      [task("x", 0, ["a"]), task("y", 0, ["a", "b"]), task("z", 0, ["a", "c"]), task("w", 3)],
      (id) => states[id] ?? "pending",
    );
    expect(r.ready.map((t) => t.id)).toEqual(["w", "x"]);
    expect(r.waiting.map((t) => t.id)).toEqual(["y"]);
    expect(r.blocked.map((b) => [b.task.id, b.waitingFor])).toEqual([
      ["z", [{ id: "c", status: "AWAITING_HUMAN_REVIEW" }]],
    ]);
  });
});
