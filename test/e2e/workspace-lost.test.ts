import { rm } from "node:fs/promises";
import { afterAll, describe, expect, it } from "vitest";
import { taskWorktreePath } from "../../src/workspace/task-paths.js";
import { happyScript } from "../support/script-builder.js";
import type { ScriptedStep } from "../support/script-builder.js";
import { runCli } from "../support/cli.js";
import { atState, runUntilKilled, type EventTrigger } from "../support/kill-at.js";
import { writeScriptedProject } from "../support/scripted-project.js";
import { createTempRepo, type TempRepo } from "../workspace/temp-repo.js";

/**
 * SIGKILL at a state, then the workspace is damaged as a user (or a cleanup script) might do,
 * then `resume`. A lost uncommitted change is implemented again; lost commits stop the task
 * with `workspace_lost`. Never an empty step commit, never DONE with work missing.
 */

const TASK = "WL-1";
const STEPS: ScriptedStep[] = ["S1", "S2", "S3"].map((id, i) => ({
  id,
  description: `Add file ${i + 1}`,
  files: { [`out/file-${i + 1}.txt`]: `content ${i + 1}\n` },
}));
const script = happyScript(TASK, STEPS);
for (const a of script.answers) a.delay_ms = 150;
const BRANCH = `orchestrator/${TASK}`;

const repos: TempRepo[] = [];
afterAll(async () => {
  await Promise.all(repos.map((r) => r.cleanup()));
});

async function killedAt(trigger: EventTrigger): Promise<TempRepo> {
  const repo = await createTempRepo();
  repos.push(repo);
  await writeScriptedProject(repo.root, { taskId: TASK, script });
  await repo.commitAll("orchestrator config");
  expect(await runUntilKilled(["run", "--task", TASK], repo.root, repo.env, trigger)).toBe(true);
  return repo;
}

const worktreeOf = (repo: TempRepo): string => taskWorktreePath(repo.root, TASK);

async function status(repo: TempRepo): Promise<Record<string, unknown>> {
  const out = await runCli(["status", "--json"], repo.root, repo.env);
  const rows = JSON.parse(out.stdout) as Record<string, unknown>[];
  return rows[0] ?? {};
}

/** Files each step commit of the branch changed, oldest first: `S1: out/file-1.txt`. */
async function stepCommitFiles(repo: TempRepo): Promise<string[]> {
  const log = await repo.sh(
    "log",
    "--reverse",
    "--format=%x00%(trailers:key=Orchestrator-Step,valueonly)",
    "--name-only",
    `main..${BRANCH}`,
  );
  return log
    .split("\0")
    .filter(Boolean)
    .map((entry) => {
      const [step = "", ...files] = entry.trim().split("\n").filter(Boolean);
      return `${step}: ${files.join(" ")}`;
    });
}

describe("resume verifies the worktree before it trusts it", () => {
  it.each([
    ["IMPLEMENTING", atState("IMPLEMENTING", "S2")],
    ["CODE_REVIEW", atState("CODE_REVIEW", "S2")],
    ["QUALITY_GATE", atState("QUALITY_GATE", "S2")],
    ["STEP_COMPLETE", atState("STEP_COMPLETE", "S2")],
  ])(
    "worktree deleted after a kill in %s: the lost change is made again, every commit holds its step",
    async (_state, trigger) => {
      const repo = await killedAt(trigger);
      await rm(worktreeOf(repo), { recursive: true, force: true });
      const resumed = await runCli(["resume", "--json"], repo.root, repo.env);
      expect(resumed.stderr).toBe("");
      expect(resumed.code).toBe(0);
      expect(await status(repo)).toMatchObject({ state: "DONE", stepsDone: 3 });
      expect(await stepCommitFiles(repo)).toEqual([
        "S1: out/file-1.txt",
        "S2: out/file-2.txt",
        "S3: out/file-3.txt",
      ]);
      for (let i = 1; i <= 3; i++) {
        expect(await repo.sh("show", `${BRANCH}:out/file-${i}.txt`)).toBe(`content ${i}`);
      }
    },
    60_000,
  );
});

describe("resume verifies the branch before it trusts it", () => {
  it("branch deleted after S1 and S2 were committed: workspace_lost, naming both steps", async () => {
    const repo = await killedAt(atState("IMPLEMENTING", "S3"));
    await rm(worktreeOf(repo), { recursive: true, force: true });
    await repo.sh("worktree", "prune");
    await repo.sh("branch", "-D", BRANCH);
    const resumed = await runCli(["resume", "--json"], repo.root, repo.env);
    expect(resumed.stderr).toBe("");
    const row = await status(repo);
    expect(row).toMatchObject({ state: "AWAITING_HUMAN_REVIEW" });
    expect(String(row.reason)).toMatch(/^workspace_lost: branch orchestrator\/WL-1 no longer/);
    expect(String(row.reason)).toContain("S1 (commit ");
    expect(String(row.reason)).toContain("S2 (commit ");
    // Nothing was committed on the re-created branch.
    expect(await stepCommitFiles(repo)).toEqual([]);
  }, 60_000);

  it("branch reset to S1's commit: workspace_lost naming S2; retry refused until it is restored", async () => {
    const repo = await killedAt(atState("IMPLEMENTING", "S3"));
    const tip = await repo.sh("rev-parse", BRANCH);
    const s1 = await repo.sh("rev-parse", `${BRANCH}~1`);
    await repo.sh("update-ref", `refs/heads/${BRANCH}`, s1);
    await runCli(["resume", "--json"], repo.root, repo.env);
    const row = await status(repo);
    expect(row).toMatchObject({ state: "AWAITING_HUMAN_REVIEW", stepsDone: 2 });
    expect(String(row.reason)).toContain("S2 (commit ");
    expect(String(row.reason)).not.toContain("S1 (commit ");

    const refused = await runCli(["review", TASK, "--retry"], repo.root, repo.env);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain("no longer holds the commits of S2");
    expect(await status(repo)).toMatchObject({ state: "AWAITING_HUMAN_REVIEW" });

    await repo.sh("update-ref", `refs/heads/${BRANCH}`, tip);
    const retried = await runCli(["review", TASK, "--retry"], repo.root, repo.env);
    expect(retried.code).toBe(0);
    const resumed = await runCli(["resume", "--json"], repo.root, repo.env);
    expect(resumed.code).toBe(0);
    expect(await status(repo)).toMatchObject({ state: "DONE", stepsDone: 3 });
    expect(await stepCommitFiles(repo)).toEqual([
      "S1: out/file-1.txt",
      "S2: out/file-2.txt",
      "S3: out/file-3.txt",
    ]);
  }, 90_000);
});
