import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { happyScript } from "../support/script-builder.js";
import { runCli } from "../support/cli.js";
import { writeScriptedProject } from "../support/scripted-project.js";
import { createTempRepo } from "../workspace/temp-repo.js";
import type { TempRepo } from "../workspace/temp-repo.js";

interface Totals {
  usd: number;
  calls: number;
  tokens: { input: number; output: number; cacheRead: number; cacheWrite: number };
}
interface Group extends Totals {
  key: string;
  attempts: number;
  retryRate: number | null;
  successRate: number | null;
}
interface ReportJson {
  since: string | null;
  by: string;
  total: Group;
  groups: Group[];
  baseline: { baselineModel: string; baselineUsd: number; savedUsd: number } | null;
}
interface ExportedEvent {
  type: string;
  costUsd?: number;
  model?: string;
  usage?: Totals["tokens"];
}
interface EstimateJson {
  tasks: { task: string; low: number; high: number; basis: string; steps: { low: number } }[];
  total: { low: number; high: number };
}

let repo: TempRepo;
let modelCalls: ExportedEvent[];

/** Ran once: a three-step task by scripted models, plus a pricier model nobody routes to. */
beforeAll(async () => {
  repo = await createTempRepo();
  await writeScriptedProject(repo.root, {
    taskId: "T-1",
    script: happyScript("T-1", [
      { id: "S1", description: "Add a", files: { "a.txt": "a\n" } },
      { id: "S2", description: "Add b", files: { "b.txt": "b\n" } },
      { id: "S3", description: "Add c", files: { "c.txt": "c\n" } },
    ]),
  });
  const configPath = join(repo.root, ".orchestrator", "model_config.yaml");
  const config = parse(await readFile(configPath, "utf8")) as {
    models: Record<string, Record<string, unknown>>;
  };
  config.models.claude_opus = {
    ...config.models.claude_sonnet,
    model: "claude-opus-scripted",
    price: { input: 15, output: 75 },
  };
  await writeFile(configPath, stringify(config));
  await repo.commitAll("orchestrator config");
  const run = await runCli(["run", "--task", "T-1"], repo.root, repo.env);
  expect(run.stderr).toBe("");
  expect(run.code).toBe(0);
  const exported = await runCli(["export", "T-1"], repo.root, repo.env);
  const events = (JSON.parse(exported.stdout) as { events: ExportedEvent[] }).events;
  modelCalls = events.filter((e) => e.type === "model.call");
}, 60_000);

afterAll(async () => {
  await repo.cleanup();
});

async function reportJson(...args: string[]): Promise<ReportJson> {
  const r = await runCli(["report", "--json", ...args], repo.root, repo.env);
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as ReportJson;
}

describe("orchestrator report", () => {
  it("totals equal the sum of the task's model.call costs and tokens", async () => {
    const report = await reportJson();
    expect(modelCalls.length).toBeGreaterThan(0);
    const sum = modelCalls.reduce((a, e) => a + (e.costUsd ?? 0), 0);
    expect(report.total.usd).toBeGreaterThan(0);
    expect(report.total.usd).toBeCloseTo(sum, 9);
    expect(report.total.calls).toBe(modelCalls.length);
    const input = modelCalls.reduce((a, e) => a + (e.usage?.input ?? 0), 0);
    expect(report.total.tokens.input).toBe(input);
    // Every step passed first time: three implementer attempts and one plan, no retries.
    expect(report.total).toMatchObject({ attempts: 4, successRate: 1, retryRate: 0 });
    // The default baseline is claude_sonnet, priced like both models used: no saving.
    expect(report.baseline?.baselineModel).toBe("claude_sonnet");
    expect(report.baseline?.savedUsd).toBeCloseTo(0, 9);
  });

  it("--by model groups spend by model, and the groups add up to the total", async () => {
    const report = await reportJson("--by", "model");
    expect(report.by).toBe("model");
    expect(report.groups.map((g) => g.key)).toEqual(["claude_sonnet", "gemini_pro"]);
    for (const g of report.groups) {
      const own = modelCalls.filter((e) => e.model === g.key);
      expect(g.calls).toBe(own.length);
      expect(g.usd).toBeCloseTo(
        own.reduce((a, e) => a + (e.costUsd ?? 0), 0),
        9,
      );
    }
    const sonnet = report.groups.find((g) => g.key === "claude_sonnet");
    expect(sonnet).toMatchObject({ attempts: 4, successRate: 1 });
    // The reviewer authors nothing, so it has no success or retry rate.
    expect(report.groups.find((g) => g.key === "gemini_pro")).toMatchObject({
      attempts: 0,
      successRate: null,
      retryRate: null,
    });
  });

  it("--by role and --by task group too; --since excludes older calls", async () => {
    const byRole = await reportJson("--by", "role");
    expect(byRole.groups.map((g) => g.key).sort()).toEqual([
      "code_reviewer",
      "implementer",
      "plan_reviewer",
      "planner",
    ]);
    const byTask = await reportJson("--by", "task", "--since", "7d");
    expect(byTask.groups.map((g) => g.key)).toEqual(["T-1"]);
    const future = await reportJson("--since", "2999-01-01");
    expect(future.since).toBe("2999-01-01T00:00:00.000Z");
    expect(future.total).toMatchObject({ usd: 0, calls: 0, attempts: 0 });
  });

  it("--baseline with a pricier model shows a positive saving", async () => {
    const report = await reportJson("--baseline", "claude_opus");
    expect(report.baseline?.baselineModel).toBe("claude_opus");
    expect(report.baseline?.savedUsd).toBeGreaterThan(0);
    expect(report.baseline?.baselineUsd).toBeCloseTo(report.total.usd * 5, 9);
    const text = await runCli(["report", "--baseline", "claude_opus"], repo.root, repo.env);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/vs claude_opus only: \$\d+\.\d{4}; saved \$\d+\.\d{4} \(80%\)/);
    expect(text.stdout).toMatch(/^claude_sonnet\s+\d+/m);
  });

  it("refuses bad flags with exit 2 and a one-line message", async () => {
    const cases: [string[], RegExp][] = [
      [["--since", "yesterday"], /--since expects a date YYYY-MM-DD or a number of days/],
      [["--since", "2024-02-30"], /--since expects/],
      [["--by", "vendor"], /--by expects one of model, role, area, task, got "vendor"/],
      [["--baseline", "gpt9"], /unknown baseline model "gpt9" \(models: .*claude_opus/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(["report", ...args], repo.root, repo.env);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    }
  });

  it("says there are no runs yet in a repository without state", async () => {
    const fresh = await createTempRepo();
    try {
      await writeScriptedProject(fresh.root, { taskId: "T-9", script: happyScript("T-9", []) });
      const text = await runCli(["report"], fresh.root, fresh.env);
      expect(text).toMatchObject({ code: 0, stdout: "no runs yet\n" });
      const json = await runCli(["report", "--json"], fresh.root, fresh.env);
      expect(json.code).toBe(0);
      expect(JSON.parse(json.stdout)).toMatchObject({ groups: [], baseline: null });
    } finally {
      await fresh.cleanup();
    }
  });
});

describe("orchestrator estimate", () => {
  it("--task gives a range from the recorded plan's steps", async () => {
    const r = await runCli(["estimate", "--task", "T-1", "--json"], repo.root, repo.env);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as EstimateJson;
    expect(result.tasks).toHaveLength(1);
    const [t1] = result.tasks;
    expect(t1?.task).toBe("T-1");
    expect(t1?.steps.low).toBe(3);
    expect(t1?.low).toBeGreaterThan(0);
    expect(t1?.low).toBeLessThanOrEqual(t1?.high ?? 0);
    // Three steps give three samples for the step roles, one plan is too few for the planners.
    expect(t1?.basis).toBe("mixed");
    expect(result.total).toEqual({ low: t1?.low, high: t1?.high });
  });

  it("prints a table with the total", async () => {
    const r = await runCli(["estimate", "--batch"], repo.root, repo.env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^TASK\s+STEPS\s+LOW\s+HIGH\s+BUDGET\s+BASIS$/m);
    expect(r.stdout).toMatch(/^T-1\s+3\s+\$\d+\.\d{4}\s+\$\d+\.\d{4}\s+\*\$20\.0000\s+mixed$/m);
    expect(r.stdout).toContain("*: the default budget of a task without budget_usd");
    expect(r.stdout).toMatch(/^TOTAL\s+\$\d+\.\d{4}\s+\$\d+\.\d{4}$/m);
  });

  it("uses the seed's defaults before any run", async () => {
    const fresh = await createTempRepo();
    try {
      await writeScriptedProject(fresh.root, { taskId: "T-9", script: happyScript("T-9", []) });
      const r = await runCli(["estimate", "--json"], fresh.root, fresh.env);
      expect(r.code).toBe(0);
      const result = JSON.parse(r.stdout) as EstimateJson;
      expect(result.tasks).toMatchObject([
        {
          task: "T-9",
          basis: "defaults",
          steps: { low: 3, high: 8 },
          budget: { usd: 20, source: "default" },
        },
      ]);
      expect(result.total.low).toBeGreaterThan(0);
      expect(result.total.low).toBeLessThan(result.total.high);
    } finally {
      await fresh.cleanup();
    }
  });

  it("says it used the learned policy's expected choices when routing.strategy is learned", async () => {
    const fresh = await createTempRepo();
    try {
      await writeScriptedProject(fresh.root, { taskId: "T-9", script: happyScript("T-9", []) });
      const configPath = join(fresh.root, ".orchestrator", "model_config.yaml");
      const config = parse(await readFile(configPath, "utf8")) as Record<string, unknown>;
      const routing = (config.routing ?? {}) as Record<string, unknown>;
      config.routing = { ...routing, strategy: "learned" };
      await writeFile(configPath, stringify(config));
      const json = await runCli(["estimate", "--json"], fresh.root, fresh.env);
      expect(json.stderr).toBe("");
      expect(JSON.parse(json.stdout)).toMatchObject({
        strategy: "learned",
        tasks: [{ task: "T-9", strategy: "learned" }],
      });
      const text = await runCli(["estimate"], fresh.root, fresh.env);
      expect(text.stdout).toContain("models: the learned policy's expected choices");
      const rules = await runCli(["estimate"], repo.root, repo.env);
      expect(rules.stdout).toContain("models: as the routing rules pick them");
    } finally {
      await fresh.cleanup();
    }
  });

  it("refuses an unknown task and --task with --batch (exit 2, one line)", async () => {
    const unknown = await runCli(["estimate", "--task", "NOPE"], repo.root, repo.env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown task "NOPE" \(known: T-1\)/);
    expect(unknown.stderr.trim().split("\n")).toHaveLength(1);
    const both = await runCli(["estimate", "--task", "T-1", "--batch"], repo.root, repo.env);
    expect(both.code).toBe(2);
    expect(both.stderr.trim().split("\n")).toHaveLength(1);
  });
});
