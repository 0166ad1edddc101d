import { spawn } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { happyScript } from "../support/script-builder.js";
import type { ScriptedStep } from "../support/script-builder.js";
import { CLI, runCli } from "../support/cli.js";
import { writeScriptedProject } from "../support/scripted-project.js";
import { createTempRepo } from "../workspace/temp-repo.js";
import type { TempRepo } from "../workspace/temp-repo.js";

const TASK = "CR-1";
const STEPS: ScriptedStep[] = ["S1", "S2", "S3"].map((id, i) => ({
  id,
  description: `Add file ${i + 1}`,
  files: { [`out/file-${i + 1}.txt`]: `content ${i + 1}\n` },
}));

/** Every model call takes a moment, so a kill lands in the middle of the state's work. */
const script = happyScript(TASK, STEPS);
for (const a of script.answers) a.delay_ms = 150;

const repos: TempRepo[] = [];
afterAll(async () => {
  await Promise.all(repos.map((r) => r.cleanup()));
});

/** Starts `run`, SIGKILLs it when the trigger event is printed; resolves once it is dead. */
function runUntil(
  cwd: string,
  env: Record<string, string>,
  trigger: (e: Record<string, unknown>) => boolean,
): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, "run", "--task", TASK, "--json"], {
      cwd,
      env: { ...process.env, ...env, NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let killed = false;
    const lines = createInterface({ input: child.stdout });
    lines.on("line", (line) => {
      if (killed) return;
      const event: unknown = JSON.parse(line);
      if (
        typeof event === "object" &&
        event !== null &&
        trigger(event as Record<string, unknown>)
      ) {
        killed = true;
        child.kill("SIGKILL");
      }
    });
    child.on("error", reject);
    child.on("close", () => {
      resolve(killed);
    });
  });
}

const atState =
  (state: string, step?: string) =>
  (e: Record<string, unknown>): boolean =>
    e.type === "transition" &&
    e.to === state &&
    (step === undefined || JSON.stringify(e.event).includes(`"${step}"`));

const CASES: [string, (e: Record<string, unknown>) => boolean][] = [
  ["NEW", (e) => e.type === "task.registered"],
  ["PLANNING", atState("PLANNING")],
  ["PLAN_REVIEW", atState("PLAN_REVIEW")],
  ["PLANNED", atState("PLANNED")],
  ["IMPLEMENTING", atState("IMPLEMENTING", "S2")],
  ["CODE_REVIEW", atState("CODE_REVIEW", "S2")],
  ["QUALITY_GATE", atState("QUALITY_GATE", "S2")],
  ["STEP_COMPLETE", atState("STEP_COMPLETE", "S2")],
  // Between side effects: a model call in flight, and a commit started but not recorded.
  ["a model call", (e) => e.type === "step.attempt" && e.stepId === "S2"],
  ["a git commit", (e) => e.type === "effect.started" && e.key === `${TASK}/S2`],
];

describe("kill -9 at every state, then resume", () => {
  it.each(CASES)(
    "killed in %s: resume finishes with exactly 3 step commits",
    async (_state, trigger) => {
      const repo = await createTempRepo();
      repos.push(repo);
      await writeScriptedProject(repo.root, {
        taskId: TASK,
        script,
        checks: { test: { command: ["node", "-e", "setTimeout(() => {}, 300)"], kind: "tests" } },
      });
      await repo.commitAll("orchestrator config");
      expect(await runUntil(repo.root, repo.env, trigger)).toBe(true);

      const resumed = await runCli(["resume", "--json"], repo.root, repo.env);
      expect(resumed.stderr).toBe("");
      expect(resumed.code).toBe(0);
      const status = await runCli(["status", "--json"], repo.root, repo.env);
      const rows: unknown = JSON.parse(status.stdout);
      expect(rows).toEqual([expect.objectContaining({ id: TASK, state: "DONE", stepsDone: 3 })]);

      const log = await repo.sh(
        "log",
        "--format=%(trailers:key=Orchestrator-Step,valueonly)",
        `main..orchestrator/${TASK}`,
      );
      expect(log.split("\n").filter(Boolean).sort()).toEqual(["S1", "S2", "S3"]);
      for (let i = 1; i <= 3; i++) {
        expect(await repo.sh("show", `orchestrator/${TASK}:out/file-${i}.txt`)).toBe(
          `content ${i}`,
        );
      }
    },
    60_000,
  );
});

describe("the branch, not the event log, says whether a step is committed", () => {
  it("a log that lost the record of a commit (and its start) does not commit the step again", async () => {
    const repo = await createTempRepo();
    repos.push(repo);
    await writeScriptedProject(repo.root, { taskId: TASK, script });
    await repo.commitAll("orchestrator config");
    const committed = (e: Record<string, unknown>): boolean =>
      e.type === "step.committed" && e.stepId === "S2";
    expect(await runUntil(repo.root, repo.env, committed)).toBe(true);
    // The log loses its tail from the start of S2's commit on, as a database restored from an
    // earlier copy (or one that lost unsynced writes) would: it says S2 is still to commit.
    const db = new Database(join(repo.root, ".orchestrator", "state.db"));
    try {
      const start = db
        .prepare("select min(seq) as seq from events where type = 'effect.started' and body like ?")
        .get(`%${TASK}/S2%`);
      const seq = (start as { seq: number | null }).seq;
      expect(seq).not.toBeNull();
      db.prepare("delete from events where seq >= ?").run(seq);
    } finally {
      db.close();
    }

    const resumed = await runCli(["resume", "--json"], repo.root, repo.env);
    expect(resumed.code, resumed.stderr).toBe(0);
    const log = await repo.sh(
      "log",
      "--format=%(trailers:key=Orchestrator-Step,valueonly)",
      `main..orchestrator/${TASK}`,
    );
    expect(log.split("\n").filter(Boolean).sort()).toEqual(["S1", "S2", "S3"]);
  }, 60_000);
});
