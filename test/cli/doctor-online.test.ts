import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { z } from "zod";
import { runCli } from "../support/cli.js";
import { installCli, PINNED_CLIS } from "../support/cli-install.js";
import { startModelServer, type ModelServer } from "../support/model-server/index.js";
import type { ScenarioRule } from "../support/model-server/index.js";
import { cliHomes } from "../contract/cli-project.js";
import { createTempRepo, type TempRepo } from "../workspace/temp-repo.js";

/**
 * `orchestrator doctor` ONLINE (no --offline), end to end: the real CLI process checks a
 * project whose models point at the scripted model server — an `anthropic` API model (a
 * one-token call through the SDK) and the real, pinned `claude` binary (`--version`, then a
 * one-word call) — and then fails, with the problem and a one-line fix, when the server
 * answers 401 for one routed model.
 */

const API_MODEL = "claude-haiku-4-5";
const CLI_MODEL = "claude-sonnet-4-5";
const KEY_VAR = "DOCTOR_TEST_ANTHROPIC_KEY";

/** Both models answer; the CLI's probe and the API's ping each have their own rule. */
const answering: ScenarioRule[] = [
  { name: "api-ping", match: { vendor: "anthropic", model: API_MODEL }, text: "OK" },
  { name: "cli-ping", match: { vendor: "anthropic", model: CLI_MODEL }, text: "OK" },
];

/** The server rejects the key for `model` (first rule wins), and answers the other. */
function rejecting(model: string): ScenarioRule[] {
  return [
    { name: `401-${model}`, match: { vendor: "anthropic", model }, fault: { status: 401 } },
    ...answering,
  ];
}

const DoctorJson = z.object({
  ok: z.boolean(),
  offline: z.boolean(),
  models: z.array(
    z.object({
      name: z.string(),
      provider: z.string(),
      routed: z.boolean(),
      status: z.enum(["ok", "problem", "unchecked"]),
      found: z.string().optional(),
      version: z.string().optional(),
      problems: z.array(z.string()),
      fixes: z.array(z.string()),
    }),
  ),
});

let claude: string;
let server: ModelServer;
let repo: TempRepo;

beforeAll(async () => {
  claude = await installCli("claude");
  server = await startModelServer({ rules: answering });
  repo = await createTempRepo();
  const homes = await cliHomes(server.url);
  const dir = join(repo.root, ".orchestrator");
  await mkdir(dir, { recursive: true });
  await writeFile(
    join(dir, "model_config.yaml"),
    stringify({
      models: {
        claude_api: {
          provider: "anthropic",
          model: API_MODEL,
          family: "anthropic",
          base_url: server.url,
          api_key_env: KEY_VAR,
          env: { [KEY_VAR]: "sk-ant-doctor-fake" },
          price: { input: 1, output: 5 },
          timeout: "30s",
        },
        claude_cli: {
          provider: "claude-cli",
          model: CLI_MODEL,
          family: "anthropic",
          tier: "strong",
          binary: claude,
          env: homes.claude,
          price: { input: 3, output: 15 },
          timeout: "1m",
        },
      },
      routing: {
        // One vendor on purpose: doctor checks models, not the family mix.
        cross_review: false,
        implementer_mode: "agent",
        rules: [
          { role: ["planner", "implementer"], use: "claude_cli", reason: "the CLI builds" },
          { role: ["plan_reviewer", "code_reviewer"], use: "claude_api", reason: "API reviews" },
        ],
      },
    }),
  );
  await writeFile(
    join(dir, "quality_rules.yaml"),
    stringify({
      checks: { test: { command: ["node", "-e", "process.exit(0)"], kind: "tests" } },
      levels: { TRIVIAL: ["test"], SMALL: ["test"], MEDIUM: ["test"], LARGE: ["test"] },
    }),
  );
}, 600_000);

afterAll(async () => {
  await server.close();
  await repo.cleanup();
});

/** Model calls the server answered or failed for each rule, since `from`. */
function callsSince(from: number): (string | undefined)[] {
  return server.requests
    .slice(from)
    .filter((q) => q.outcome === "answer" || q.outcome === "fault")
    .map((q) => q.rule)
    .sort();
}

describe("orchestrator doctor, online, against the scripted model server", () => {
  it("calls each routed model once and reports it usable, with the CLI's version", async () => {
    server.setScenario({ rules: answering });
    const from = server.requests.length;
    const text = await runCli(["doctor"], repo.root, repo.env);
    expect(text.stderr).toBe("");
    expect(text.code).toBe(0);
    const version = `${PINNED_CLIS.claude.version} (Claude Code)`;
    expect(text.stdout).toMatch(
      new RegExp(
        `^ok claude_cli \\(claude-cli, anthropic, strong\\): .*claude ${escape(version)} at ${escape(claude)}$`,
        "m",
      ),
    );
    expect(text.stdout).toMatch(
      new RegExp(
        `^ok claude_api \\(anthropic, anthropic, medium\\): key in ${KEY_VAR} for ${escape(server.url)} \\(serves ${API_MODEL}\\)$`,
        "m",
      ),
    );
    expect(text.stdout).not.toContain("problem:");
    expect(text.stdout).toMatch(/^ok: 2 routed model\(s\) usable$/m);
    // Online means a real call: one one-token ping through the SDK, one run of the binary.
    expect(callsSince(from)).toEqual(["api-ping", "cli-ping"]);
    const cliCall = server.requests
      .slice(from)
      .find((q) => q.rule === "cli-ping" && q.outcome === "answer");
    expect(cliCall?.headers["user-agent"]).toContain(`claude-cli/${PINNED_CLIS.claude.version}`);

    const json = await runCli(["doctor", "--json"], repo.root, repo.env);
    expect(json.code).toBe(0);
    const report = DoctorJson.parse(JSON.parse(json.stdout));
    expect(report).toMatchObject({ ok: true, offline: false });
    expect(report.models.map((m) => [m.name, m.status, m.routed, m.version])).toEqual([
      ["claude_api", "ok", true, `serves ${API_MODEL}`],
      ["claude_cli", "ok", true, version],
    ]);
  }, 120_000);

  it("exits 1 when the server rejects the API model's key: the problem and a one-line fix", async () => {
    server.setScenario({ rules: rejecting(API_MODEL) });
    const from = server.requests.length;
    const result = await runCli(["doctor"], repo.root, repo.env);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^!! claude_api \(anthropic, anthropic, medium\): key in /m);
    expect(result.stdout).toMatch(/^ {3}problem: a one-token call failed: .*401/m);
    const fixes = result.stdout.split("\n").filter((line) => line.startsWith("   fix: "));
    expect(fixes).toEqual([`   fix: check the key in ${KEY_VAR}: ${server.url} rejected it`]);
    expect(result.stdout).toMatch(/^ok claude_cli /m);
    expect(result.stdout).toMatch(/^not ready: claude_api cannot run/m);
    expect(callsSince(from)).toEqual([`401-${API_MODEL}`, "cli-ping"]);
  }, 120_000);

  it("exits 1 when the server rejects the CLI model's key: the CLI's own fix", async () => {
    server.setScenario({ rules: rejecting(CLI_MODEL) });
    const result = await runCli(["doctor"], repo.root, repo.env);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^!! claude_cli \(claude-cli, anthropic, strong\): .*claude /m);
    expect(result.stdout).toMatch(/^ {3}problem: a one-word call failed: .*401/m);
    const fixes = result.stdout.split("\n").filter((line) => line.startsWith("   fix: "));
    expect(fixes).toEqual([
      "   fix: set ANTHROPIC_API_KEY (in the shell or in model claude_cli's env:) or run `claude` once and log in",
    ]);
    expect(result.stdout).toMatch(/^ok claude_api /m);
    expect(result.stdout).toMatch(/^not ready: claude_cli cannot run/m);
  }, 120_000);
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
