import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { z } from "zod";
import { runCli } from "../support/cli.js";
import { startModelServer, type ModelServer } from "../support/model-server/index.js";
import { happyScript, planJson } from "../support/script-builder.js";
import { writeScriptedProject } from "../support/scripted-project.js";
import { createTempRepo, type TempRepo } from "../workspace/temp-repo.js";

/**
 * A model call that runs long is never silent: the planner is an Anthropic API model on the
 * scripted model server, which answers only after a delay. With `ORCHESTRATOR_HEARTBEAT` shorter
 * than the delay, the terminal shows "still running" lines (model, role, elapsed, timeout) and
 * `--json` heartbeat events, at a steady interval. A budget's `warn_at` shows on the terminal.
 */

const TASK = "T1";
const DELAY_MS = 2_400;
const HEARTBEAT_MS = 500;
const KEY_VAR = "HEARTBEAT_TEST_ANTHROPIC_KEY";

let server: ModelServer;
const repos: TempRepo[] = [];

beforeAll(async () => {
  server = await startModelServer({
    rules: [
      {
        name: "slow-plan",
        match: { vendor: "anthropic" },
        delayMs: DELAY_MS,
        text: planJson(TASK, [{ id: "S1", description: "write a.txt" }]),
      },
    ],
  });
});

afterAll(async () => {
  await server.close();
  for (const repo of repos) await repo.cleanup();
});

/** A scripted project whose planner is the slow API model; the other roles are scripted. */
async function slowPlannerProject(): Promise<TempRepo> {
  const repo = await createTempRepo();
  repos.push(repo);
  await writeScriptedProject(repo.root, {
    taskId: TASK,
    script: happyScript(TASK, [
      { id: "S1", description: "write a.txt", files: { "a.txt": "a\n" } },
    ]),
  });
  const configFile = join(repo.root, ".orchestrator", "model_config.yaml");
  const config = z
    .object({
      models: z.record(z.string(), z.unknown()),
      routing: z.looseObject({ rules: z.array(z.looseObject({})) }),
    })
    .loose()
    .parse(parse(await readFile(configFile, "utf8")));
  config.models.slow_api = {
    provider: "anthropic",
    model: "claude-haiku-4-5",
    family: "anthropic",
    tier: "strong",
    base_url: server.url,
    api_key_env: KEY_VAR,
    env: { [KEY_VAR]: "sk-ant-heartbeat-fake" },
    price: { input: 1, output: 5 },
    timeout: "40s",
  };
  config.routing.rules = [
    { role: "planner", use: "slow_api", reason: "slow planner" },
    ...config.routing.rules,
  ];
  // A tiny warn_at, so the first call's cost already crosses it.
  await writeFile(configFile, stringify({ ...config, budgets: { warn_at: 0.0001 } }));
  const tasksFile = join(repo.root, ".orchestrator", "tasks.yaml");
  const tasks = z
    .object({ tasks: z.array(z.looseObject({})) })
    .parse(parse(await readFile(tasksFile, "utf8")));
  await writeFile(
    tasksFile,
    stringify({ tasks: tasks.tasks.map((t) => ({ ...t, budget_usd: 2 })) }),
  );
  await repo.commitAll("orchestrator setup");
  return repo;
}

const HeartbeatLine = z.object({
  type: z.literal("model.heartbeat"),
  task: z.string(),
  role: z.string(),
  model: z.string(),
  elapsedMs: z.number(),
  timeoutMs: z.number(),
});

describe("a long model call is never silent", () => {
  it("prints heartbeat lines with model, role, elapsed and timeout, and the budget warning", async () => {
    const repo = await slowPlannerProject();
    const result = await runCli(["run", "--task", TASK], repo.root, {
      ...repo.env,
      ORCHESTRATOR_HEARTBEAT: `${String(HEARTBEAT_MS)}ms`,
    });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const beats = result.stdout
      .split("\n")
      .filter((l) => l.includes("still running"))
      .map((l) => /planner slow_api still running: (\d+) s of its 40 s timeout/.exec(l));
    // ~2.4 s at one beat every 0.5 s: four beats, give or take the machine's load.
    expect(beats.length).toBeGreaterThanOrEqual(3);
    expect(beats.every((m) => m !== null)).toBe(true);
    // Only the slow call beats; the scripted roles answer at once.
    expect(result.stdout).not.toMatch(/(implementer|reviewer) \S+ still running/);
    expect(result.stdout).toMatch(/warning: task T1 has spent \$[\d.]+ of its \$2\.00 budget/);
  }, 120_000);

  it("streams model.heartbeat events in --json, at a steady interval", async () => {
    const repo = await slowPlannerProject();
    const result = await runCli(["run", "--task", TASK, "--json"], repo.root, {
      ...repo.env,
      ORCHESTRATOR_HEARTBEAT: `${String(HEARTBEAT_MS)}ms`,
    });
    expect(result.code).toBe(0);
    const beats = result.stdout
      .split("\n")
      .filter((l) => l.includes('"model.heartbeat"'))
      .map((l) => HeartbeatLine.parse(JSON.parse(l)));
    expect(beats.length).toBeGreaterThanOrEqual(3);
    for (const beat of beats) {
      expect(beat).toMatchObject({ task: TASK, role: "planner", model: "slow_api" });
      expect(beat.timeoutMs).toBe(40_000);
    }
    const elapsed = beats.map((b) => b.elapsedMs);
    expect(elapsed[0]).toBeGreaterThanOrEqual(HEARTBEAT_MS - 50);
    for (let i = 1; i < elapsed.length; i++) {
      expect((elapsed[i] ?? 0) - (elapsed[i - 1] ?? 0)).toBeGreaterThan(HEARTBEAT_MS / 2);
    }
    // The beats stop when the call ends: none after the planner's model.call.
    const lines = result.stdout.split("\n");
    const lastBeat = lines.findLastIndex((l) => l.includes('"model.heartbeat"'));
    const plannerCall = lines.findIndex(
      (l) => l.includes('"model.call"') && l.includes('"role":"planner"'),
    );
    expect(plannerCall).toBeGreaterThan(lastBeat);
  }, 120_000);

  it("refuses an ORCHESTRATOR_HEARTBEAT that is not a duration", async () => {
    const repo = await slowPlannerProject();
    const result = await runCli(["run", "--task", TASK], repo.root, {
      ...repo.env,
      ORCHESTRATOR_HEARTBEAT: "often",
    });
    expect(result.stderr.trim()).toBe(
      'orchestrator: ORCHESTRATOR_HEARTBEAT: expected a duration such as "15s" or "1m" (or 0 for none), found "often"',
    );
    expect(result.code).toBe(2);
  }, 60_000);
});
