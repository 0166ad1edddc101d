import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { stringify } from "yaml";
import { runCli, type CliResult } from "../support/cli.js";
import type { ModelServer } from "../support/model-server/index.js";
import type { TempRepo } from "../workspace/temp-repo.js";

/** How each role's instructions begin: what the scenarios' rules match a request by. */
export const ROLE = {
  planner: "You are the PLANNER in an automated",
  planReviewer: "You are the PLAN REVIEWER in an automated",
  implementer: "You are the IMPLEMENTER in an automated",
  codeReviewer: "You are the CODE REVIEWER in an automated",
} as const;

/** A model entry of model_config.yaml as the contract tests write it. */
export interface RawCliModel {
  readonly provider: "claude-cli" | "gemini-cli" | "codex-cli";
  readonly model: string;
  readonly family: string;
  readonly tier?: string;
  readonly binary: string;
  readonly env?: Record<string, string>;
  readonly timeout?: string;
  readonly permission_mode?: string;
  readonly args?: string[];
}

export interface CliProjectOptions {
  readonly tasks: readonly Record<string, unknown>[];
  readonly models: Readonly<Record<string, RawCliModel>>;
  readonly rules: readonly Record<string, unknown>[];
  readonly checks: Record<string, { command: string[]; kind?: string; timeout?: string }>;
  readonly maxAttempts?: number;
}

/** Writes the three `.orchestrator/` files of a project whose models are real CLIs. */
export async function writeCliProject(repoRoot: string, o: CliProjectOptions): Promise<void> {
  const dir = join(repoRoot, ".orchestrator");
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, ".gitignore"), "state.db*\nworktrees/\nruns/\n");
  await writeFile(join(dir, "tasks.yaml"), stringify({ tasks: o.tasks }));
  await writeFile(
    join(dir, "model_config.yaml"),
    stringify({
      models: Object.fromEntries(
        Object.entries(o.models).map(([name, m]) => [
          name,
          { tier: "medium", price: { input: 1, output: 2 }, timeout: "2m", ...m },
        ]),
      ),
      routing: { implementer_mode: "agent", rules: o.rules },
      // A failure must show at once, not after backoff and fallback to another model.
      resilience: { max_retries: 0, fallback: false },
    }),
  );
  const names = Object.keys(o.checks);
  await writeFile(
    join(dir, "quality_rules.yaml"),
    stringify({
      checks: o.checks,
      levels: { TRIVIAL: names, SMALL: names, MEDIUM: names, LARGE: names },
      retries: { max_attempts: o.maxAttempts ?? 2 },
    }),
  );
}

/** Private homes and env for each CLI, pointed at the scripted model server. */
export interface CliHomes {
  readonly claude: Record<string, string>;
  readonly gemini: Record<string, string>;
  readonly codex: Record<string, string>;
}

/**
 * Creates a temp HOME per CLI (so no user config, login or history is read or written) and
 * the env that points each CLI at `serverUrl` with a fake key.
 */
export async function cliHomes(serverUrl: string): Promise<CliHomes> {
  const root = await mkdtemp(join(tmpdir(), "orchestrator-cli-homes-"));
  const claudeHome = join(root, "claude");
  const geminiHome = join(root, "gemini");
  const codexHome = join(root, "codex");
  await mkdir(claudeHome, { recursive: true });
  await mkdir(join(geminiHome, ".gemini"), { recursive: true });
  await writeFile(
    join(geminiHome, ".gemini", "settings.json"),
    JSON.stringify({ security: { auth: { selectedType: "gemini-api-key" } } }),
  );
  await mkdir(join(codexHome, ".codex"), { recursive: true });
  await writeFile(
    join(codexHome, ".codex", "config.toml"),
    [
      'model_provider = "scripted"',
      "",
      "[model_providers.scripted]",
      'name = "Scripted model server"',
      `base_url = "${serverUrl}/v1"`,
      'env_key = "SCRIPTED_API_KEY"',
      'wire_api = "responses"',
      "request_max_retries = 0",
      "stream_max_retries = 0",
      "",
    ].join("\n"),
  );
  return {
    claude: {
      HOME: claudeHome,
      ANTHROPIC_BASE_URL: serverUrl,
      ANTHROPIC_API_KEY: "sk-ant-fake",
      CLAUDE_CODE_MAX_RETRIES: "0",
    },
    gemini: {
      HOME: geminiHome,
      GOOGLE_GEMINI_BASE_URL: serverUrl,
      GEMINI_API_KEY: "fake-gemini-key",
      GEMINI_CLI_TRUST_WORKSPACE: "true",
    },
    codex: {
      HOME: codexHome,
      CODEX_HOME: join(codexHome, ".codex"),
      SCRIPTED_API_KEY: "fake-openai-key",
    },
  };
}

/**
 * Commits the project's `.orchestrator/` files, runs `orchestrator run --task` and `status`,
 * and asserts that the task got to DONE without a human: every request the CLIs sent matched a
 * scenario rule (the others are listed), and none of the task's steps awaits review.
 */
export async function runTaskToDone(
  repo: TempRepo,
  server: ModelServer,
  task: string,
): Promise<{ run: CliResult; status: CliResult }> {
  await repo.sh("add", "--all");
  await repo.commitAll("orchestrator config");
  const run = await runCli(["run", "--task", task], repo.root, repo.env);
  const status = await runCli(["status"], repo.root, repo.env);
  expect(
    server
      .unmatched()
      .map((q) => `${q.vendor} ${q.path} turn ${String(q.turn)}: ${q.prompt?.slice(-200) ?? ""}`),
  ).toEqual([]);
  expect(run.stderr + status.stdout).not.toContain("AWAITING_HUMAN_REVIEW");
  expect(run.code).toBe(0);
  expect(status.stdout).toContain("DONE");
  return { run, status };
}
