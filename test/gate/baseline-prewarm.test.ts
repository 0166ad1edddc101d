import { existsSync } from "node:fs";
import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../support/engine-harness.js";
import type { EventBody } from "../../src/core/events.js";
import type { ModelProvider } from "../../src/core/ports.js";
import type { CheckSpec, QualityConfig } from "../../src/core/project-config.js";
import { NodeProcessRunner } from "../../src/process/node-process-runner.js";
import { answer, happyScript } from "../support/script-builder.js";
import type { ScriptedStep } from "../support/script-builder.js";
import { createGatePort } from "../../src/gate/index.js";

// The baseline of a task's base commit starts when the task starts, in the background: it runs
// while the task plans, the first gate waits for it, and it never outlives the task's run.

const STEPS: ScriptedStep[] = [
  { id: "S1", description: "Add a greeting", files: { "src/greet.txt": "hello\n" } },
  { id: "S2", description: "Use it", files: { "src/use.txt": "uses greet\n" } },
];

const JUNIT =
  '<?xml version="1.0"?>\n<testsuites><testsuite name="x"><testcase classname="s" name="a"/></testsuite></testsuites>\n';

let harness: Harness | undefined;
let scratch: string | undefined;
afterEach(async () => {
  await harness?.repo.cleanup();
  harness = undefined;
  if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
  scratch = undefined;
});

function check(name: string, command: string, reportFile: string): CheckSpec {
  return {
    name,
    kind: "tests",
    command,
    timeoutMs: 60_000,
    env: {},
    reports: [{ format: "junit", file: reportFile }],
  };
}

function qualityOf(checks: CheckSpec[], medium: string[]): QualityConfig {
  return {
    checks: new Map(checks.map((c) => [c.name, c])),
    levels: {
      TRIVIAL: medium,
      SMALL: medium,
      MEDIUM: medium,
      LARGE: checks.map((c) => c.name),
    },
    defaultLevel: "MEDIUM",
    maxAttempts: 3,
    planReviewRounds: 2,
    policyDocs: [],
    contextTokenBudget: 20_000,
  };
}

/** A provider that runs `before` ahead of every call, then answers as `inner` does. */
function watching(inner: ModelProvider, before: (role: string) => Promise<void>): ModelProvider {
  return {
    name: inner.name,
    family: inner.family,
    kind: inner.kind,
    complete: async (request) => {
      await before(request.role);
      return inner.complete(request);
    },
  };
}

async function waitForFile(file: string, ms = 10_000): Promise<boolean> {
  for (let waited = 0; waited < ms && !existsSync(file); waited += 25) await sleep(25);
  return existsSync(file);
}

async function lines(file: string): Promise<string[]> {
  if (!existsSync(file)) return [];
  return (await readFile(file, "utf8")).split("\n").filter((l) => l !== "");
}

function bodiesOf<T extends EventBody["type"]>(
  events: readonly { body: EventBody }[],
  type: T,
): Extract<EventBody, { type: T }>[] {
  return events
    .map((e) => e.body)
    .filter((b): b is Extract<EventBody, { type: T }> => b.type === type);
}

describe("the baseline prewarmed at task start", () => {
  it("runs once per base, starts while the task plans, and the gates use it", async () => {
    scratch = await mkdtemp(join(tmpdir(), "prewarm-engine-"));
    const runs = join(scratch, "runs.log");
    const report = join(scratch, "junit.xml");
    await writeFile(report, JUNIT);
    // Each run appends "<check> <cwd>": the baseline's cwd is under .orchestrator/cache/worktrees.
    const tests = check(
      "tests",
      `echo "tests $PWD" >> '${runs}'; mkdir -p .gate && cp '${report}' .gate/junit.xml`,
      ".gate/junit.xml",
    );
    const extra = check(
      "extra",
      `echo "extra $PWD" >> '${runs}'; mkdir -p .gate && cp '${report}' .gate/extra.xml`,
      ".gate/extra.xml",
    );
    const quality = qualityOf([tests, extra], ["tests"]);
    const seenAtCall: { planner?: boolean; implementer?: boolean } = {};
    const script = happyScript("T-1", STEPS);
    const second = happyScript("T-2", STEPS).answers.map((a) => ({ ...a, task: "T-2" }));
    harness = await createHarness({
      script: { answers: [...script.answers, ...second] },
      quality,
      gate: createGatePort(new NodeProcessRunner(), quality),
      wrapProvider: (inner) =>
        watching(inner, async (role) => {
          // The planner answers only once the baseline has started: it runs during planning.
          if (role === "planner") seenAtCall.planner ??= await waitForFile(runs);
          if (role === "implementer") seenAtCall.implementer ??= existsSync(runs);
        }),
    });
    const h = harness;
    await h.repo.write(".gitignore", ".gate/\n");
    await h.repo.commitAll("ignore reports");

    const outcome = await h.run();
    expect(outcome.status).toBe("DONE");
    expect(seenAtCall).toEqual({ planner: true, implementer: true });
    const t1 = await h.store.events("T-1");

    // A second task on the same base reuses the file.
    const next = await h.engine().runTask({ ...h.task, id: "T-2" }, null);
    expect(next.status).toBe("DONE");
    expect(next.view.workspace?.baseSha).toBe(outcome.view.workspace?.baseSha);

    const all = await lines(runs);
    const inBaseline = all.filter((l) => l.includes("/.orchestrator/cache/worktrees/"));
    // Every check with a report ran once on the base, the LARGE-only one included.
    expect(inBaseline.map((l) => l.split(" ")[0]).sort()).toEqual(["extra", "tests"]);
    // The gates (two steps, two tasks) ran only the level's check in the task worktrees.
    expect(all.filter((l) => !inBaseline.includes(l)).map((l) => l.split(" ")[0])).toEqual([
      "tests",
      "tests",
      "tests",
      "tests",
    ]);

    const first = bodiesOf(t1, "gate.baseline");
    expect(first).toHaveLength(2);
    // The first gate found the prewarmed file (reused) or waited for the prewarm (ran).
    expect(first[0]?.checks).toEqual(["extra", "tests"]);
    expect(first[0]?.reused).toBe(first[0]?.ran.length === 0);
    expect(["", "tests"]).toContain(first[0]?.ran.join(",") ?? "");
    expect(first[1]).toMatchObject({ reused: true, ran: [] });
    const later = bodiesOf(await h.store.events("T-2"), "gate.baseline");
    expect(later.map((b) => [b.reused, b.ran])).toEqual([
      [true, []],
      [true, []],
    ]);
    expect(bodiesOf(t1, "note").filter((n) => n.message.includes("baseline"))).toEqual([]);
    expect(await readdir(join(h.repo.root, ".orchestrator", "cache", "worktrees"))).toEqual([]);
  });

  it("is stopped, with its processes, when the plan is rejected before any gate", async () => {
    scratch = await mkdtemp(join(tmpdir(), "prewarm-engine-"));
    const pidFile = join(scratch, "pid");
    const slow = check("tests", `echo $$ > '${pidFile}'; exec sleep 30`, ".gate/junit.xml");
    const quality = qualityOf([slow], ["tests"]);
    harness = await createHarness({
      script: happyScript("T-1", STEPS, [
        answer({
          role: "plan_reviewer",
          text: JSON.stringify({ status: "rejected", review: { concerns: ["Goal is unsafe"] } }),
        }),
      ]),
      quality,
      gate: createGatePort(new NodeProcessRunner(), quality),
      wrapProvider: (inner) =>
        watching(inner, async (role) => {
          // Plan only once the baseline's check is running.
          if (role === "planner") await waitForFile(pidFile);
        }),
    });
    const outcome = await harness.run();
    expect(outcome.status).toBe("AWAITING_HUMAN_REVIEW");
    expect(outcome.view.escalation).toMatchObject({ reason: "plan_rejected" });
    const pid = Number((await readFile(pidFile, "utf8")).trim());
    expect(pid).toBeGreaterThan(0);
    // The check was killed and its worktree removed before run() returned.
    expect(() => process.kill(pid, 0)).toThrow();
    const cache = join(harness.repo.root, ".orchestrator", "cache");
    expect(await readdir(join(cache, "worktrees"))).toEqual([]);
    expect(existsSync(join(cache, "baselines"))).toBe(false);
    const bodies = (await harness.store.events("T-1")).map((e) => e.body);
    expect(bodies.filter((b) => b.type === "gate.baseline" || b.type === "note")).toEqual([]);
  });
});
