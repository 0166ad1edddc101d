import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { z } from "zod";
import { happyScript } from "../support/script-builder.js";
import { openSqliteStore } from "../../src/store/index.js";
import { runCli } from "../support/cli.js";
import { writeScriptedProject } from "../support/scripted-project.js";
import { startWebhookReceiver } from "../support/webhook-receiver.js";
import type { WebhookReceiver } from "../support/webhook-receiver.js";
import { createTempRepo } from "../workspace/temp-repo.js";
import type { TempRepo } from "../workspace/temp-repo.js";

let repo: TempRepo | undefined;
const receivers: WebhookReceiver[] = [];
afterEach(async () => {
  for (const r of receivers.splice(0)) await r.close();
  await repo?.cleanup();
  repo = undefined;
});

const JsonHook = z.object({
  version: z.literal(1),
  kind: z.string(),
  title: z.string(),
  text: z.string(),
  task: z.string(),
  link: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});
const SlackHook = z.object({
  text: z.string(),
  blocks: z.array(z.object({ type: z.literal("section"), text: z.object({ text: z.string() }) })),
});

/** T-1 whose only check always fails: one attempt, then it waits for a human. */
async function escalatingProject(notify: unknown): Promise<TempRepo> {
  const r = await createTempRepo();
  await writeScriptedProject(r.root, {
    taskId: "T-1",
    script: happyScript("T-1", [
      { id: "S1", description: "Add a file", files: { "a.txt": "a\n" } },
    ]),
    checks: { "always-fails": { command: ["node", "-e", "process.exit(1)"], kind: "custom" } },
    maxAttempts: 1,
  });
  const path = join(r.root, ".orchestrator", "model_config.yaml");
  const config = z.record(z.string(), z.unknown()).parse(parse(await readFile(path, "utf8")));
  await writeFile(path, stringify({ ...config, notify }));
  await r.commitAll("orchestrator config");
  return r;
}

describe("notifications from a real run", () => {
  it("tells a JSON webhook (failing twice first) and a Slack webhook that a human is needed, and records the deliveries", async () => {
    const flaky = await startWebhookReceiver([500, 502]);
    const slack = await startWebhookReceiver();
    receivers.push(flaky, slack);
    repo = await escalatingProject({
      dashboard_url: "http://127.0.0.1:7420/",
      base_delay: "20ms",
      webhooks: [
        { name: "ops", url: flaky.url, format: "json" },
        { name: "team-slack", url: slack.url, format: "slack", events: ["awaiting_human"] },
      ],
    });
    const run = await runCli(["run", "--task", "T-1"], repo.root, repo.env);
    expect(run.stdout).toContain("AWAITING_HUMAN_REVIEW");

    const [json] = await flaky.waitForAccepted(1);
    expect(flaky.received.map((r) => r.status)).toEqual([500, 502, 200]);
    const body = JsonHook.parse(json?.body);
    expect(body).toMatchObject({
      kind: "awaiting_human",
      task: "T-1",
      link: "http://127.0.0.1:7420/#/task/T-1",
      details: { reason: "gate_failed" },
    });
    expect(body.title).toBe("T-1 (S1) needs a human: gate_failed");
    expect(body.text).toContain("orchestrator review T-1");

    const [hook] = await slack.waitForAccepted(1);
    const message = SlackHook.parse(hook?.body);
    expect(message.text).toContain("needs a human: gate_failed");
    expect(message.blocks[0]?.text.text).toContain(
      "<http://127.0.0.1:7420/#/task/T-1|Open in the dashboard>",
    );

    // Deliveries are events of the task: which sink, how many tries, never the URL.
    const store = await openSqliteStore(join(repo.root, ".orchestrator", "state.db"));
    try {
      const recorded = (await store.events("T-1")).flatMap((e) =>
        e.body.type === "notification" ? [e.body] : [],
      );
      expect(recorded).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            kind: "awaiting_human",
            sink: "ops",
            ok: true,
            attempts: 3,
            status: 200,
          }),
          expect.objectContaining({
            kind: "awaiting_human",
            sink: "team-slack",
            ok: true,
            attempts: 1,
          }),
        ]),
      );
      expect(JSON.stringify(recorded)).not.toContain(flaky.url);
    } finally {
      await store.close();
    }
  }, 120_000);

  it("a dead webhook does not hold up or fail the run, and its failure is recorded", async () => {
    const dead = await startWebhookReceiver();
    const url = dead.url;
    await dead.close();
    repo = await escalatingProject({ base_delay: "10ms", max_attempts: 2, webhooks: [{ url }] });
    const run = await runCli(["run", "--task", "T-1"], repo.root, repo.env);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe("");
    const store = await openSqliteStore(join(repo.root, ".orchestrator", "state.db"));
    try {
      const recorded = (await store.events("T-1")).flatMap((e) =>
        e.body.type === "notification" ? [e.body] : [],
      );
      expect(recorded).toMatchObject([
        { kind: "awaiting_human", sink: "webhook-1", ok: false, attempts: 2, status: null },
      ]);
    } finally {
      await store.close();
    }
  }, 120_000);

  it("a batch run ends with a summary", async () => {
    const hook = await startWebhookReceiver();
    receivers.push(hook);
    repo = await escalatingProject({ webhooks: [{ url: hook.url, events: ["batch_finished"] }] });
    await runCli(["run", "--batch"], repo.root, repo.env);
    const [summary] = await hook.waitForAccepted(1);
    expect(JsonHook.parse(summary?.body)).toMatchObject({
      kind: "batch_finished",
      title: "Batch finished: 1 AWAITING_HUMAN_REVIEW",
    });
    expect(hook.received).toHaveLength(1);
  }, 120_000);

  it("a bad notify: config is one line naming the file, line and field", async () => {
    repo = await escalatingProject({ webhooks: [{ url: "ftp://nope", format: "teams" }] });
    const result = await runCli(["validate"], repo.root, repo.env);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /model_config\.yaml:\d+:\d+: notify\.webhooks\[0\]\.url: expected an http:\/\/ or https:\/\/ URL/,
    );
    expect(result.stderr).toMatch(/notify\.webhooks\[0\]\.format/);
  }, 120_000);
});
