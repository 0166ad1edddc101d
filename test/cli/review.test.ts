import { afterEach, describe, expect, it } from "vitest";
import { happyScript } from "../support/script-builder.js";
import { runCli } from "../support/cli.js";
import { writeScriptedProject } from "../support/scripted-project.js";
import { createTempRepo } from "../workspace/temp-repo.js";
import type { TempRepo } from "../workspace/temp-repo.js";

let repo: TempRepo | undefined;
afterEach(async () => {
  await repo?.cleanup();
  repo = undefined;
});

/** S1 writes bad.txt, which the gate refuses; S2 writes a good file. */
async function escalatingProject(): Promise<TempRepo> {
  repo = await createTempRepo();
  await writeScriptedProject(repo.root, {
    taskId: "T-1",
    script: happyScript("T-1", [
      { id: "S1", description: "Add a bad file", files: { "bad.txt": "bad\n" } },
      { id: "S2", description: "Add a good file", files: { "good.txt": "good\n" } },
    ]),
    checks: {
      "no-bad-file": {
        command: ["node", "-e", "process.exit(require('fs').existsSync('bad.txt') ? 1 : 0)"],
        kind: "custom",
      },
    },
  });
  await repo.commitAll("orchestrator config");
  return repo;
}

describe("human review from the CLI", () => {
  it("an escalated task is listed, a decision resumes it, and the branch shows the outcome", async () => {
    const r = await escalatingProject();
    const run = await runCli(["run", "--task", "T-1"], r.root, r.env);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/AWAITING_HUMAN_REVIEW gate_failed/);

    const list = await runCli(["review", "--json"], r.root, r.env);
    expect(list.code).toBe(0);
    const waiting: unknown = JSON.parse(list.stdout);
    expect(waiting).toMatchObject([
      { task: "T-1", step: "S1", reason: "gate_failed", scope: "step" },
    ]);

    const skip = await runCli(["review", "T-1", "--skip-step"], r.root, r.env);
    expect(skip.stderr).toBe("");
    expect(skip.code).toBe(0);
    const resume = await runCli(["resume", "T-1"], r.root, r.env);
    expect(resume.code).toBe(0);
    expect(resume.stdout).toContain("DONE");

    expect(await r.sh("log", "--format=%s", "main..orchestrator/T-1")).toMatch(/S2/);
    expect(await r.sh("log", "--format=%s", "main..orchestrator/T-1")).not.toMatch(/S1/);
    const status = await runCli(["status", "--json"], r.root, r.env);
    expect(JSON.parse(status.stdout)).toMatchObject([{ id: "T-1", state: "DONE" }]);
  });

  it("refuses a decision without a terminal or a flag, and a second decision flag", async () => {
    const r = await escalatingProject();
    await runCli(["run", "--task", "T-1"], r.root, r.env);
    const none = await runCli(["review", "T-1"], r.root, r.env);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/give one of --approve/);
    const two = await runCli(["review", "T-1", "--approve", "--abort"], r.root, r.env);
    expect(two.code).toBe(2);
  });

  it("abort removes the worktree, keeps the branch, and leaves main alone", async () => {
    const r = await escalatingProject();
    const mainBefore = await r.sh("rev-parse", "main");
    await runCli(["run", "--task", "T-1"], r.root, r.env);
    expect(await r.sh("branch", "--list", "orchestrator/*")).toContain("orchestrator/T-1");
    const abort = await runCli(["abort", "T-1"], r.root, r.env);
    expect(abort.code).toBe(0);
    // The work stays reachable (issue: "the branch stays"); only the checkout goes.
    expect(await r.sh("branch", "--list", "orchestrator/*")).toContain("orchestrator/T-1");
    expect(await r.sh("worktree", "list")).not.toContain("T-1");
    expect(await r.sh("rev-parse", "main")).toBe(mainBefore);
  });
});
