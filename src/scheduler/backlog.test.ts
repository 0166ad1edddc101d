import { describe, expect, it } from "vitest";
import type { TaskState } from "../core/state-machine.js";
import type { Task } from "../core/task.js";
import { runBacklog } from "./backlog.js";

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

/** A runTask whose tasks end when the test says so, recording starts and peak concurrency. */
function lanes(endings: Record<string, TaskState> = {}) {
  const started: string[] = [];
  const open = new Map<string, () => void>();
  let running = 0;
  let peak = 0;
  return {
    started,
    get peak() {
      return peak;
    },
    finish(id: string) {
      open.get(id)?.();
    },
    runTask: async (t: Task) => {
      started.push(t.id);
      running++;
      peak = Math.max(peak, running);
      await new Promise<void>((resolve) => open.set(t.id, resolve));
      running--;
      if (endings[t.id] === "FAILED") throw new Error(`${t.id} broke`);
      return { status: endings[t.id] ?? "DONE", interrupted: false, id: t.id };
    },
  };
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe("runBacklog", () => {
  it("runs up to `jobs` tasks at once, higher priority first", async () => {
    const l = lanes();
    const tasks = [task("a"), task("b"), task("c", 5), task("d"), task("e")];
    const run = runBacklog({ tasks, jobs: 2, runTask: l.runTask, stateOf: () => "NEW" });
    await tick();
    expect(l.started).toEqual(["c", "a"]);
    for (const id of ["c", "a", "b", "d", "e"]) {
      l.finish(id);
      await tick();
    }
    const result = await run;
    expect(l.started).toEqual(["c", "a", "b", "d", "e"]);
    expect(l.peak).toBe(2);
    expect(result.outcomes).toHaveLength(5);
  });

  it("starts a dependent task only once its dependencies are DONE (diamond)", async () => {
    const l = lanes();
    const tasks = [task("d", 0, ["b", "c"]), task("b", 0, ["a"]), task("c", 0, ["a"]), task("a")];
    const run = runBacklog({ tasks, jobs: 4, runTask: l.runTask, stateOf: () => "NEW" });
    await tick();
    expect(l.started).toEqual(["a"]);
    l.finish("a");
    await tick();
    expect(l.started).toEqual(["a", "b", "c"]);
    l.finish("b");
    await tick();
    expect(l.started).toEqual(["a", "b", "c"]);
    l.finish("c");
    await tick();
    l.finish("d");
    await run;
    expect(l.started).toEqual(["a", "b", "c", "d"]);
  });

  it("keeps running the others when one task escalates or throws, and skips its dependents", async () => {
    const l = lanes({ a: "AWAITING_HUMAN_REVIEW", b: "FAILED" });
    const tasks = [
      task("a"),
      task("b"),
      task("c"),
      task("after-a", 0, ["a"]),
      task("after-b", 0, ["b"]),
    ];
    const blocked: string[] = [];
    const run = runBacklog({
      tasks,
      jobs: 3,
      runTask: l.runTask,
      stateOf: () => "NEW",
      onBlocked: (b) =>
        blocked.push(`${b.task.id}<-${b.waitingFor.map((w) => `${w.id}:${w.status}`).join()}`),
    });
    await tick();
    for (const id of ["a", "b", "c"]) l.finish(id);
    const result = await run;
    expect(result.outcomes.map((o) => o.status)).toEqual(["AWAITING_HUMAN_REVIEW", "DONE"]);
    expect(result.errors.map((e) => e.task.id)).toEqual(["b"]);
    expect(blocked.sort()).toEqual(["after-a<-a:AWAITING_HUMAN_REVIEW", "after-b<-b:FAILED"]);
  });

  it("uses the stored state of dependencies outside the batch", async () => {
    const l = lanes();
    const run = runBacklog({
      tasks: [task("x", 0, ["old"]), task("y", 0, ["never"])],
      jobs: 2,
      runTask: l.runTask,
      stateOf: (id) => (id === "old" ? "DONE" : "NEW"),
    });
    await tick();
    l.finish("x");
    const result = await run;
    expect(l.started).toEqual(["x"]);
    expect(result.blocked.map((b) => b.task.id)).toEqual(["y"]);
  });

  it("starts nothing more once interrupted and lets running tasks end", async () => {
    const l = lanes();
    const controller = new AbortController();
    const run = runBacklog({
      tasks: [task("a"), task("b"), task("c")],
      jobs: 1,
      runTask: l.runTask,
      stateOf: () => "NEW",
      signal: controller.signal,
    });
    await tick();
    controller.abort();
    l.finish("a");
    const result = await run;
    expect(l.started).toEqual(["a"]);
    expect(result.notStarted.map((t) => t.id)).toEqual(["b", "c"]);
  });
});
