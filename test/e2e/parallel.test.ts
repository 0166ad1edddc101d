import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { afterAll, describe, expect, it } from "vitest";
import { answer } from "../support/script-builder.js";
import { CLI, runCli } from "../support/cli.js";
import { writeScriptedBacklog } from "../support/scripted-backlog.js";
import type { BacklogTask, ScriptedBacklogOptions } from "../support/scripted-backlog.js";
import { createTempRepo } from "../workspace/temp-repo.js";
import type { TempRepo } from "../workspace/temp-repo.js";

const repos: TempRepo[] = [];
afterAll(async () => {
  await Promise.all(repos.map((r) => r.cleanup()));
});

async function project(options: ScriptedBacklogOptions, files: Record<string, string> = {}) {
  const repo = await createTempRepo();
  repos.push(repo);
  for (const [path, content] of Object.entries(files)) await repo.write(path, content);
  await writeScriptedBacklog(repo.root, options);
  await repo.commitAll("orchestrator config");
  return repo;
}

/** The JSON event lines `run --json` printed. */
function events(stdout: string): Record<string, unknown>[] {
  return stdout
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

async function states(repo: TempRepo): Promise<Record<string, unknown>> {
  const status = await runCli(["status", "--json"], repo.root, repo.env);
  const rows = JSON.parse(status.stdout) as { id: string; state: string }[];
  return Object.fromEntries(rows.map((r) => [r.id, r.state]));
}

/** Step trailers of the commits on a task branch that are not on `main`, oldest first. */
async function stepsOnBranch(repo: TempRepo, task: string): Promise<string[]> {
  const log = await repo.sh(
    "log",
    "--reverse",
    "--format=%(trailers:key=Orchestrator-Task,valueonly,separator=)/%(trailers:key=Orchestrator-Step,valueonly,separator=)",
    `main..orchestrator/${task}`,
  );
  return log.split("\n").filter((l) => l !== "/" && l !== "");
}

const twoSteps = (id: string): BacklogTask => ({
  id,
  steps: ["S1", "S2"].map((s) => ({
    id: s,
    description: `${id} ${s}`,
    files: { [`out/${id}-${s}.txt`]: `${id} ${s}\n` },
  })),
});

/** The largest number of model calls in flight at once, from their end time and duration. */
function peakOverlap(list: Record<string, unknown>[]): { peak: number; tasks: number } {
  const calls = list
    .filter((e) => e.type === "model.call")
    .map((e) => {
      const end = Date.parse(String(e.at));
      return { task: String(e.task), start: end - Number(e.durationMs), end };
    });
  let peak = 0;
  let tasks = 0;
  for (const c of calls) {
    // The calls in flight just before `c` ended (including c).
    const live = calls.filter((o) => o.start < c.end && o.end >= c.end);
    peak = Math.max(peak, live.length);
    tasks = Math.max(tasks, new Set(live.map((o) => o.task)).size);
  }
  return { peak, tasks };
}

describe("a backlog run in parallel", () => {
  it("runs 8 independent tasks 4 at a time: calls overlap, all DONE with exact commits", async () => {
    const ids = Array.from({ length: 8 }, (_, i) => `P-${i + 1}`);
    const repo = await project({ tasks: ids.map(twoSteps), delayMs: 150 });
    const run = await runCli(["run", "--batch", "--jobs", "4", "--json"], repo.root, repo.env);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const list = events(run.stdout);
    expect(new Set(list.map((e) => e.task))).toEqual(new Set(ids));
    const overlap = peakOverlap(list);
    // Calls of different tasks were in flight together, never more than the 4 lanes.
    expect(overlap.tasks).toBeGreaterThan(1);
    expect(overlap.peak).toBeLessThanOrEqual(4);
    expect(Object.values(await states(repo))).toEqual(Array(8).fill("DONE"));
    for (const id of ids) {
      expect(await stepsOnBranch(repo, id)).toEqual([`${id}/S1`, `${id}/S2`]);
      expect(await repo.sh("show", `orchestrator/${id}:out/${id}-S2.txt`)).toBe(`${id} S2`);
    }
  }, 300_000);

  it("builds a diamond A -> (B, C) -> D: D's branch holds A's, B's and C's work", async () => {
    const one = (id: string, dependsOn?: string[]): BacklogTask => ({
      id,
      ...(dependsOn ? { dependsOn } : {}),
      steps: [{ id: "S1", description: id, files: { [`${id}.txt`]: `${id}\n` } }],
    });
    const repo = await project({
      tasks: [one("D", ["B", "C"]), one("B", ["A"]), one("C", ["A"]), one("A")],
    });
    const run = await runCli(["run", "--batch", "--json"], repo.root, repo.env);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const starts = events(run.stdout)
      .filter((e) => e.type === "transition" && e.to === "PLANNING")
      .map((e) => e.task);
    expect(starts[0]).toBe("A");
    expect(starts[3]).toBe("D");
    for (const file of ["A", "B", "C", "D"]) {
      expect(await repo.sh("show", `orchestrator/D:${file}.txt`)).toBe(file);
    }
    for (const dep of ["A", "B", "C"]) {
      await repo.sh("merge-base", "--is-ancestor", `orchestrator/${dep}`, "orchestrator/D");
    }
    // D's own work is one step commit on top of the integration merge of B and C.
    expect((await stepsOnBranch(repo, "D")).filter((s) => s.startsWith("D/"))).toEqual(["D/S1"]);

    // Landing: the checked-out branch is refused; another branch gets all four, in order.
    const refused = await runCli(["land"], repo.root, repo.env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/main is checked out in/);
    await repo.sh("branch", "integration", "main");
    const landed = await runCli(["land", "--into", "integration", "--json"], repo.root, repo.env);
    expect(landed.stderr).toBe("");
    expect(landed.code).toBe(0);
    expect(events(landed.stdout).map((e) => `${String(e.task)}:${String(e.outcome)}`)).toEqual([
      "A:landed",
      "B:landed",
      "C:landed",
      "D:landed",
    ]);
    for (const file of ["A", "B", "C", "D"]) {
      expect(await repo.sh("show", `integration:${file}.txt`)).toBe(file);
    }
    // The user's checkout is untouched.
    expect(await repo.sh("rev-parse", "--abbrev-ref", "HEAD")).toBe("main");
    expect(await repo.sh("status", "--porcelain")).toBe("");

    // A gate that fails once C's work is in: landing stops at C, the target keeps B.
    await repo.sh("branch", "strict", "main");
    await repo.write(
      ".orchestrator/quality_rules.yaml",
      [
        "checks:",
        "  no_c:",
        "    command: [node, -e, \"process.exit(require('fs').existsSync('C.txt') ? 1 : 0)\"]",
        "levels: { TRIVIAL: [no_c], SMALL: [no_c], MEDIUM: [no_c], LARGE: [no_c] }",
        "",
      ].join("\n"),
    );
    const stopped = await runCli(["land", "--into", "strict", "--json"], repo.root, repo.env);
    expect(stopped.code).toBe(1);
    expect(events(stopped.stdout).map((e) => `${String(e.task)}:${String(e.outcome)}`)).toEqual([
      "A:landed",
      "B:landed",
      "C:gate_failed",
    ]);
    expect(await repo.sh("show", "strict:B.txt")).toBe("B");
    expect(await repo.sh("ls-tree", "--name-only", "strict")).not.toMatch(/C\.txt/);
  }, 300_000);

  it("refuses `run --task` while a dependency is not DONE, unless --ignore-deps", async () => {
    const repo = await project({
      tasks: [
        { id: "A", steps: [{ id: "S1", description: "a", files: { "a.txt": "a\n" } }] },
        {
          id: "B",
          dependsOn: ["A"],
          steps: [{ id: "S1", description: "b", files: { "b.txt": "b\n" } }],
        },
      ],
    });
    const refused = await runCli(["run", "--task", "B"], repo.root, repo.env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/task B depends on A, which is NEW \(never run\)/);
    expect(await repo.sh("branch", "--list", "orchestrator/*")).toBe("");
    const forced = await runCli(["run", "--task", "B", "--ignore-deps"], repo.root, repo.env);
    expect(forced.code).toBe(0);
    expect(await repo.sh("show", "orchestrator/B:b.txt")).toBe("b");
  }, 240_000);
});

/** A check that fails while any tracked file holds a conflict marker. */
const NO_MARKERS = [
  "node",
  "-e",
  [
    "const { execFileSync } = require('node:child_process');",
    "const fs = require('node:fs');",
    "const files = execFileSync('git', ['ls-files'], { encoding: 'utf8' }).split('\\n').filter(Boolean);",
    "const bad = files.filter((f) => fs.existsSync(f) && /^(<{7}|>{7}|={7})/m.test(fs.readFileSync(f, 'utf8')));",
    "if (bad.length) { console.error('conflict markers in ' + bad.join(', ')); process.exit(1); }",
  ].join(" "),
];

function conflictingBacklog(resolution: Record<string, string> | undefined): BacklogTask[] {
  const edit = (id: string, line: string): BacklogTask => ({
    id,
    dependsOn: ["A"],
    steps: [{ id: "S1", description: id, files: { "shared.txt": `base\n${line}\n` } }],
  });
  return [
    { id: "A", steps: [{ id: "S1", description: "a", files: { "shared.txt": "base\n" } }] },
    edit("B", "from B"),
    edit("C", "from C"),
    {
      id: "D",
      dependsOn: ["B", "C"],
      steps: [{ id: "S1", description: "d", files: { "d.txt": "d\n" } }],
      extra: [
        answer({
          role: "implementer",
          step: "merge-C",
          text: "Resolved the merge.",
          files: resolution ?? {},
        }),
      ],
    },
  ];
}

describe("conflicting dependencies", () => {
  it("resolves the merge of B and C in a step of D: implementer, review, gate, merge commit", async () => {
    const repo = await project({
      tasks: conflictingBacklog({ "shared.txt": "base\nfrom B\nfrom C\n" }),
      checks: { markers: { command: NO_MARKERS, kind: "custom" } },
    });
    const run = await runCli(["run", "--batch", "--json"], repo.root, repo.env);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const list = events(run.stdout).filter((e) => e.task === "D");
    const plan = list.find((e) => e.type === "plan.recorded") as {
      plan: { steps: { id: string }[] };
    };
    expect(plan.plan.steps.map((s) => s.id)).toEqual(["merge-C", "S1"]);
    const gates = list.filter((e) => e.type === "gate.finished" && e.stepId === "merge-C");
    expect(gates.map((g) => g.passed)).toEqual([true]);
    const reviewed = list.filter((e) => e.type === "code.reviewed" && e.stepId === "merge-C");
    expect(reviewed).toHaveLength(1);
    expect(await repo.sh("show", "orchestrator/D:shared.txt")).toBe("base\nfrom B\nfrom C");
    // The step's commit is a merge of C: both dependency branches are in D.
    const merge = await repo.sh("log", "--format=%P", "--grep=merge-C", "-1", "orchestrator/D");
    expect(merge.split(" ")).toHaveLength(2);
    await repo.sh("merge-base", "--is-ancestor", "orchestrator/C", "orchestrator/D");
    await repo.sh("merge-base", "--is-ancestor", "orchestrator/B", "orchestrator/D");
  }, 240_000);

  it("waits for a human with reason merge_conflict naming the file when markers remain", async () => {
    const repo = await project({
      tasks: conflictingBacklog(undefined),
      checks: { markers: { command: NO_MARKERS, kind: "custom" } },
      maxAttempts: 2,
    });
    const run = await runCli(["run", "--batch", "--json"], repo.root, repo.env);
    expect(run.code).toBe(1);
    const escalation = events(run.stdout).find(
      (e) => e.task === "D" && e.type === "transition" && e.to === "AWAITING_HUMAN_REVIEW",
    ) as { event: { reason: string; detail: string } } | undefined;
    expect(escalation?.event.reason).toBe("merge_conflict");
    expect(escalation?.event.detail).toMatch(/shared\.txt/);
    expect((await states(repo)).D).toBe("AWAITING_HUMAN_REVIEW");
  }, 240_000);
});

describe("budgets shared by concurrent tasks", () => {
  it("stops the second task at the daily limit only one of them fits", async () => {
    const one = (id: string): BacklogTask => ({
      id,
      steps: [{ id: "S1", description: id, files: { [`${id}.txt`]: `${id}\n` } }],
    });
    // Each call costs $0.015; reservations are $0.06 (planner), $0.12 (implementer) and
    // $0.0225 (reviewers). $0.20 a day fits one task's run with the other's planning, never
    // both implementations (see docs/PARALLEL.md).
    const repo = await project({
      tasks: [one("A"), one("B")],
      delayMs: 100,
      usage: { input: 100, output: 1000 },
      price: { input: 0, output: 15 },
      budgets: { daily_usd: 0.2 },
    });
    const run = await runCli(["run", "--batch", "--jobs", "2", "--json"], repo.root, repo.env);
    expect(run.code).toBe(1);
    const final = await states(repo);
    expect(Object.values(final).sort()).toEqual(["AWAITING_HUMAN_REVIEW", "DONE"]);
    const list = events(run.stdout);
    const stopped = Object.keys(final).find((id) => final[id] !== "DONE");
    const escalation = list.find(
      (e) => e.task === stopped && e.type === "transition" && e.to === "AWAITING_HUMAN_REVIEW",
    ) as { event: { reason: string; detail: string } } | undefined;
    expect(escalation?.event.reason).toBe("budget");
    expect(escalation?.event.detail).toMatch(/day budget \$0\.2000/);
    const spent = list
      .filter((e) => e.type === "model.call")
      .reduce((sum, e) => sum + Number(e.costUsd), 0);
    expect(spent).toBeLessThanOrEqual(0.2);
  }, 240_000);
});

/** Starts `run --batch`, SIGKILLs it once `stopAt` events were printed; resolves when dead. */
function killDuringBatch(repo: TempRepo, args: string[], stopAt: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: repo.root,
      env: { ...process.env, ...repo.env, NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let seen = 0;
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    createInterface({ input: child.stdout }).on("line", (line) => {
      const e = JSON.parse(line) as Record<string, unknown>;
      if (e.type === "step.committed") seen++;
      if (seen === stopAt) child.kill("SIGKILL");
    });
    child.on("error", reject);
    child.on("close", () => {
      clearTimeout(timer);
      resolve(seen);
    });
  });
}

describe("a crash during a concurrent batch", () => {
  it("SIGKILL, then resume finishes every task with no duplicate commits", async () => {
    const ids = Array.from({ length: 4 }, (_, i) => `K-${i + 1}`);
    const repo = await project({ tasks: ids.map(twoSteps), delayMs: 120 });
    const committed = await killDuringBatch(repo, ["run", "--batch", "--jobs", "2", "--json"], 2);
    expect(committed).toBeGreaterThanOrEqual(2);
    expect(Object.values(await states(repo))).not.toEqual(Array(4).fill("DONE"));

    const resumed = await runCli(["resume", "--jobs", "2", "--json"], repo.root, repo.env);
    expect(resumed.stderr).toBe("");
    expect(resumed.code).toBe(0);
    expect(Object.values(await states(repo))).toEqual(Array(4).fill("DONE"));
    for (const id of ids) {
      expect(await stepsOnBranch(repo, id)).toEqual([`${id}/S1`, `${id}/S2`]);
    }
  }, 300_000);
});

/**
 * Starts `run --batch`, sends SIGINT once `lanes` tasks each have a model call in flight (a
 * routing decision printed, its call not yet); resolves with the exit code, the events printed
 * and the tasks that were mid-call when the signal went.
 */
function interruptMidCalls(
  repo: TempRepo,
  args: string[],
  lanes: number,
): Promise<{
  code: number | null;
  midCall: string[];
  list: Record<string, unknown>[];
  afterMs: number;
}> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: repo.root,
      env: { ...process.env, ...repo.env, NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const list: Record<string, unknown>[] = [];
    const inFlight = new Set<string>();
    let midCall: string[] = [];
    let sentAt = 0;
    const timer = setTimeout(() => child.kill("SIGKILL"), 90_000);
    createInterface({ input: child.stdout }).on("line", (line) => {
      const e = JSON.parse(line) as Record<string, unknown>;
      list.push(e);
      if (e.type === "routing.decision") inFlight.add(String(e.task));
      if (e.type === "model.call") inFlight.delete(String(e.task));
      if (sentAt === 0 && inFlight.size >= lanes) {
        midCall = [...inFlight].sort();
        sentAt = Date.now();
        child.kill("SIGINT");
      }
    });
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, midCall, list, afterMs: Date.now() - sentAt });
    });
  });
}

describe("Ctrl-C during a concurrent batch", () => {
  it("exits 130 with every task resumable; resume finishes all with no duplicate commits", async () => {
    const ids = Array.from({ length: 4 }, (_, i) => `I-${i + 1}`);
    // Calls take 2 s, so the lanes are still waiting on their models when the signal arrives.
    const repo = await project({ tasks: ids.map(twoSteps), delayMs: 2000 });
    const stopped = await interruptMidCalls(repo, ["run", "--batch", "--jobs", "3", "--json"], 3);
    expect(stopped.midCall).toHaveLength(3);
    expect(stopped.code).toBe(130);
    // The lanes stopped at the signal, not after their 2 s calls answered.
    expect(stopped.afterMs).toBeLessThan(10_000);
    const after = await states(repo);
    expect(Object.keys(after).sort()).toEqual(ids);
    for (const id of ids)
      expect(["DONE", "FAILED", "ABORTED", "AWAITING_HUMAN_REVIEW"]).not.toContain(after[id]);
    // An interrupted call is not recorded as a failed one (it is made again on resume).
    const failedCalls = stopped.list.filter((e) => e.type === "model.call" && e.ok === false);
    expect(failedCalls).toEqual([]);

    const resumed = await runCli(["resume", "--jobs", "3", "--json"], repo.root, repo.env);
    expect(resumed.stderr).toBe("");
    expect(resumed.code).toBe(0);
    expect(new Set(events(resumed.stdout).map((e) => e.task))).toEqual(new Set(ids));
    expect(Object.values(await states(repo))).toEqual(Array(4).fill("DONE"));
    for (const id of ids) {
      expect(await stepsOnBranch(repo, id)).toEqual([`${id}/S1`, `${id}/S2`]);
      expect(await repo.sh("show", `orchestrator/${id}:out/${id}-S2.txt`)).toBe(`${id} S2`);
    }
  }, 300_000);
});

/** Task A edits shared.txt; the branch it lands into changes the same line meanwhile. */
async function movedBaseProject(resolution: Record<string, string> | undefined) {
  const repo = await project(
    {
      tasks: [
        {
          id: "A",
          steps: [{ id: "S1", description: "a", files: { "shared.txt": "base\nfrom A\n" } }],
          extra: [
            answer({
              role: "implementer",
              step: "land-merge-1",
              text: "Resolved the conflict with the target.",
              files: resolution ?? {},
            }),
          ],
        },
      ],
      checks: { markers: { command: NO_MARKERS, kind: "custom" } },
      maxAttempts: 2,
    },
    { "shared.txt": "base\n" },
  );
  const run = await runCli(["run", "--batch", "--json"], repo.root, repo.env);
  expect(run.code).toBe(0);
  // The target moves after A was done: the same line, changed another way.
  await repo.sh("branch", "integration", "main");
  await repo.sh("checkout", "--quiet", "integration");
  await repo.write("shared.txt", "base\nfrom the target\n");
  const moved = await repo.commitAll("target moves");
  await repo.sh("checkout", "--quiet", "main");
  return { repo, moved };
}

/** A task's events from `export`. */
async function eventsOf(repo: TempRepo, task: string): Promise<Record<string, unknown>[]> {
  const exported = await runCli(["export", task], repo.root, repo.env);
  expect(exported.code).toBe(0);
  return (JSON.parse(exported.stdout) as { events: Record<string, unknown>[] }).events;
}

describe("landing onto a moved target", () => {
  it("land --rebase: the conflict is a step of the task (implementer, review, gate, merge commit), then it lands", async () => {
    const { repo, moved } = await movedBaseProject({
      "shared.txt": "base\nfrom the target\nfrom A\n",
    });
    const landed = await runCli(
      ["land", "--into", "integration", "--rebase", "--json"],
      repo.root,
      repo.env,
    );
    expect(landed.stderr).toBe("");
    expect(landed.code).toBe(0);
    const [line] = events(landed.stdout);
    expect(line).toMatchObject({ task: "A", outcome: "landed", resolved: ["shared.txt"] });
    expect(await repo.sh("show", "integration:shared.txt")).toBe("base\nfrom the target\nfrom A");
    // The target moved forward only: its old tip is in the landed history.
    await repo.sh("merge-base", "--is-ancestor", moved, "integration");
    expect((await states(repo)).A).toBe("DONE");
    const list = await eventsOf(repo, "A");
    const step = (e: Record<string, unknown>): boolean => e.stepId === "land-merge-1";
    expect(list.filter((e) => e.type === "code.reviewed" && step(e))).toHaveLength(1);
    expect(list.filter((e) => e.type === "gate.finished" && step(e)).map((e) => e.passed)).toEqual([
      true,
    ]);
    // A's branch holds the resolution as a merge commit whose second parent is the target's tip.
    const parents = await repo.sh(
      "log",
      "--format=%P",
      "--grep=land-merge-1",
      "-1",
      "orchestrator/A",
    );
    expect(parents.split(" ")[1]).toBe(moved);
    expect(await stepsOnBranch(repo, "A")).toEqual(["A/S1", "A/land-merge-1"]);
  }, 300_000);

  it("a merge whose markers are never resolved leaves the target alone; the task waits with merge_conflict", async () => {
    const { repo, moved } = await movedBaseProject(undefined);
    const landed = await runCli(["land", "--into", "integration", "--json"], repo.root, repo.env);
    expect(landed.code).toBe(1);
    const [line] = events(landed.stdout);
    expect(line).toMatchObject({ task: "A", outcome: "conflict" });
    expect(String(line?.detail)).toMatch(/shared\.txt; A is AWAITING_HUMAN_REVIEW/);
    expect(await repo.sh("rev-parse", "integration")).toBe(moved);
    expect((await states(repo)).A).toBe("AWAITING_HUMAN_REVIEW");
    const escalation = (await eventsOf(repo, "A")).find(
      (e) => e.type === "transition" && e.to === "AWAITING_HUMAN_REVIEW",
    ) as { event: { reason: string; detail: string } } | undefined;
    expect(escalation?.event.reason).toBe("merge_conflict");
    expect(escalation?.event.detail).toMatch(/shared\.txt/);
  }, 300_000);
});
