import { spawn } from "node:child_process";
import { existsSync, readdirSync, readlinkSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { taskWorktreePath } from "../../src/workspace/task-paths.js";
import { stringify } from "yaml";
import { APPROVE_PLAN, answer, planJson, reviewCode } from "../support/script-builder.js";
import { installCli } from "../support/cli-install.js";
import { CLI, runCli } from "../support/cli.js";
import { startModelServer, type ModelServer } from "../support/model-server/index.js";
import { cliHomes, ROLE } from "../contract/cli-project.js";
import { createTempRepo, type TempRepo } from "../workspace/temp-repo.js";

/**
 * A crashed run's coding-agent CLI must never write again. The implementer is the REAL pinned
 * `claude` CLI in agent mode; the scripted server holds its first answer (a Write of late.txt)
 * for a while. The orchestrator is SIGKILLed while the CLI waits for that answer; the CLI lives
 * on in its own process group. `resume` must stop it (and wait for it) before it resets the
 * worktree, so the late Write never lands: not in the worktree, not in any commit.
 */

const TASK = "ORPHAN-1";
// Long enough that `resume` starts (and must stop the CLI) before the held answer goes out.
const LATE_MS = 20_000;

let claude: string;
let server: ModelServer;
let repo: TempRepo | undefined;

beforeAll(async () => {
  claude = await installCli("claude");
  const implementer = { vendor: "anthropic" as const, system: ROLE.implementer };
  server = await startModelServer({
    rules: [
      {
        name: "slow-write",
        match: { ...implementer, turn: 0 },
        uses: 1,
        delayMs: LATE_MS,
        toolCalls: [{ name: "Write", args: { file_path: "late.txt", content: "LATE\n" } }],
      },
      {
        name: "write",
        match: { ...implementer, turn: 0 },
        toolCalls: [{ name: "Write", args: { file_path: "good.txt", content: "GOOD\n" } }],
      },
      { name: "done", match: { ...implementer, turn: 1 }, text: "Wrote the file." },
    ],
  });
}, 600_000);

afterAll(async () => {
  await server.close();
  await repo?.cleanup();
});

async function writeProject(root: string): Promise<void> {
  const dir = join(root, ".orchestrator");
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, ".gitignore"), "state.db*\nworktrees/\nruns/\n");
  const steps = [{ id: "S1", description: "Add good.txt" }];
  await writeFile(
    join(dir, "script.yaml"),
    stringify({
      answers: [
        answer({ role: "planner", text: planJson(TASK, steps) }),
        answer({ role: "plan_reviewer", text: APPROVE_PLAN }),
        answer({ role: "code_reviewer", text: reviewCode("approved") }),
      ],
    }),
  );
  await writeFile(
    join(dir, "tasks.yaml"),
    stringify({ tasks: [{ id: TASK, goal: "Add good.txt", risk: "low", area: "core" }] }),
  );
  const homes = await cliHomes(server.url);
  const scripted = (family: string) => ({
    provider: "scripted",
    model: `${family}-scripted`,
    family,
    tier: "medium",
    price: { input: 1, output: 2 },
    script: "script.yaml",
  });
  await writeFile(
    join(dir, "model_config.yaml"),
    stringify({
      models: {
        planner_scripted: scripted("anthropic"),
        reviewer_scripted: scripted("google"),
        claude_cli: {
          provider: "claude-cli",
          model: "claude-sonnet-4-5",
          family: "anthropic",
          tier: "medium",
          price: { input: 1, output: 2 },
          timeout: "2m",
          binary: claude,
          env: homes.claude,
        },
      },
      routing: {
        implementer_mode: "agent",
        rules: [
          { role: "planner", use: "planner_scripted", reason: "plans" },
          { role: "implementer", use: "claude_cli", reason: "claude builds" },
          { role: ["plan_reviewer", "code_reviewer"], use: "reviewer_scripted", reason: "x" },
        ],
      },
      resilience: { max_retries: 0, fallback: false },
    }),
  );
  await writeFile(
    join(dir, "quality_rules.yaml"),
    stringify({
      checks: { test: { command: ["node", "-e", "process.exit(0)"], kind: "tests" } },
      levels: { TRIVIAL: ["test"], SMALL: ["test"], MEDIUM: ["test"], LARGE: ["test"] },
    }),
  );
}

/** Live processes whose working directory is inside `dir` (the crashed run's CLI and children). */
function processesIn(dir: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cwd = readlinkSync(`/proc/${name}/cwd`);
      if (cwd === dir || cwd.startsWith(`${dir}/`)) pids.push(Number(name));
    } catch {
      // Gone, or not ours to look at.
    }
  }
  return pids;
}

/** Runs `orchestrator run` until the CLI's held request reached the server, then SIGKILLs it. */
async function runAndKillMidCall(root: string, env: Record<string, string>): Promise<number> {
  const child = spawn(process.execPath, [CLI, "run", "--task", TASK, "--json"], {
    cwd: root,
    env: { ...process.env, ...env, NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr.on("data", (d: Buffer) => (output += d.toString()));
  const closed = new Promise((resolve) => child.on("close", resolve));
  let arrivedAt = 0;
  for (let i = 0; i < 600 && arrivedAt === 0 && child.exitCode === null; i++) {
    if (server.requests.some((r) => r.rule === "slow-write")) arrivedAt = Date.now();
    else await sleep(100);
  }
  child.kill("SIGKILL");
  await closed;
  expect(arrivedAt, output.slice(-3000)).toBeGreaterThan(0);
  return arrivedAt;
}

describe("a crashed run's CLI never writes again", () => {
  it("resume stops the old claude process group before the worktree is reset", async () => {
    const r = (repo = await createTempRepo());
    await writeProject(r.root);
    await r.commitAll("orchestrator config");
    const arrivedAt = await runAndKillMidCall(r.root, r.env);
    const worktree = taskWorktreePath(r.root, TASK);
    // The scenario is real: the orchestrator is dead, its claude lives on in the worktree.
    const orphans = processesIn(worktree);
    expect(orphans.length).toBeGreaterThan(0);

    const resumed = await runCli(["resume", "--json"], r.root, r.env);
    expect(resumed.stderr).toBe("");
    expect(resumed.code).toBe(0);
    // No process of the crashed run is alive once resume has finished.
    expect(orphans.filter((pid) => existsSync(`/proc/${String(pid)}`))).toEqual([]);
    // Past the moment the held answer was sent: nothing wrote late.txt.
    await sleep(Math.max(0, arrivedAt + LATE_MS + 2_000 - Date.now()));
    expect(processesIn(worktree)).toEqual([]);
    expect(existsSync(join(worktree, "late.txt"))).toBe(false);
    const branch = `orchestrator/${TASK}`;
    const files = await r.sh("log", "--name-only", "--format=", `main..${branch}`);
    expect(files.split("\n").filter(Boolean)).toEqual(["good.txt"]);
    expect(await r.sh("show", `${branch}:good.txt`)).toBe("GOOD");
    const status = await runCli(["status", "--json"], r.root, r.env);
    expect(JSON.parse(status.stdout)).toEqual([
      expect.objectContaining({ id: TASK, state: "DONE", stepsDone: 1 }),
    ]);
    const log = await runCli(["log", TASK], r.root, r.env);
    expect(log.stdout).toContain("left running by a crashed run");
  }, 240_000);
});
