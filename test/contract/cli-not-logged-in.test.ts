import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { z } from "zod";
import type { ModelSpec } from "../../src/core/project-config.js";
import { ProviderError } from "../../src/core/provider-errors.js";
import { createProvider } from "../../src/providers/index.js";
import { runCli } from "../support/cli.js";
import { installCli } from "../support/cli-install.js";
import { createTempRepo, type TempRepo } from "../workspace/temp-repo.js";

/**
 * The real, pinned CLIs with an empty HOME and no key: Claude Code answers "Not logged in ·
 * Please run /login", Gemini CLI exits 41 asking for an auth method. Both are `auth` errors that
 * carry doctor's one-line fix, a task is not retried on them, and `doctor --offline` (which
 * calls nothing) already finds that these models have no credentials.
 */

/** Every credential variable the CLIs read, emptied, so the machine's own cannot leak in. */
const NO_KEYS = {
  ANTHROPIC_API_KEY: "",
  ANTHROPIC_AUTH_TOKEN: "",
  CLAUDE_CODE_OAUTH_TOKEN: "",
  GEMINI_API_KEY: "",
  GOOGLE_API_KEY: "",
  GOOGLE_GENAI_USE_GCA: "",
  GOOGLE_GENAI_USE_VERTEXAI: "",
  OPENAI_API_KEY: "",
  CODEX_API_KEY: "",
  CLAUDE_CONFIG_DIR: "",
  GEMINI_CLI_HOME: "",
  CODEX_HOME: "",
};

let claude: string;
let gemini: string;
let codex: string;
let home: string;
const repos: TempRepo[] = [];

beforeAll(async () => {
  [claude, gemini, codex] = await Promise.all([
    installCli("claude"),
    installCli("gemini"),
    installCli("codex"),
  ]);
  home = await mkdtemp(join(tmpdir(), "orchestrator-empty-home-"));
}, 600_000);

afterAll(async () => {
  await rm(home, { recursive: true, force: true });
  for (const repo of repos) await repo.cleanup();
});

function spec(
  name: string,
  provider: ModelSpec["provider"],
  binary: string,
  env: Record<string, string>,
): ModelSpec {
  return {
    name,
    provider,
    model: provider === "claude-cli" ? "claude-sonnet-4-5" : "gemini-2.5-pro",
    family: provider === "claude-cli" ? "anthropic" : "google",
    tier: "medium",
    binary,
    args: [],
    env: { ...NO_KEYS, HOME: home, GEMINI_CLI_TRUST_WORKSPACE: "true", ...env },
    timeoutMs: 60_000,
    price: { input: 1, output: 2, cacheRead: 0, cacheWrite: 0 },
  };
}

async function failure(model: ModelSpec): Promise<ProviderError> {
  const error = await createProvider(model)
    .complete({
      role: "planner",
      taskId: "T",
      system: "",
      prompt: "Reply with OK.",
      mode: "text",
      cwd: home,
    })
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  if (!(error instanceof ProviderError))
    throw new Error(`expected a ProviderError: ${String(error)}`);
  return error;
}

describe("a CLI that is not logged in", () => {
  it("Claude Code: an auth error with the fix doctor gives", async () => {
    const error = await failure(spec("claude_cli", "claude-cli", claude, {}));
    expect(error.kind).toBe("auth");
    expect(error.message).toContain("Not logged in · Please run /login");
    expect(error.message).toContain(
      "; fix: set ANTHROPIC_API_KEY (in the shell or in model claude_cli's env:) or run `claude` once and log in",
    );
  }, 120_000);

  it("Gemini CLI: an auth error with the fix doctor gives", async () => {
    const error = await failure(spec("gemini_cli", "gemini-cli", gemini, {}));
    expect(error.kind).toBe("auth");
    // One process per call prints "Please set an Auth method"; the ACP session (the default)
    // answers session/new with "Gemini API key is missing or not configured.".
    expect(error.message).toMatch(/Please set an Auth method|API key is missing/);
    expect(error.message).toContain(
      '; fix: write {"security":{"auth":{"selectedType":"gemini-api-key"}}} to ~/.gemini/settings.json',
    );
  }, 120_000);

  it("a task is not retried on it: one call, then a human, with the fix", async () => {
    const repo = await createTempRepo();
    repos.push(repo);
    const dir = join(repo.root, ".orchestrator");
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, ".gitignore"), "state.db*\nworktrees/\nruns/\n");
    await writeFile(
      join(dir, "tasks.yaml"),
      stringify({ tasks: [{ id: "AUTH-1", goal: "Add a file", risk: "medium", area: "core" }] }),
    );
    const cliModel = (provider: string, binary: string, family: string, model: string) => ({
      provider,
      binary,
      family,
      model,
      tier: "medium",
      price: { input: 1, output: 2 },
      timeout: "1m",
      env: { ...NO_KEYS, HOME: home, GEMINI_CLI_TRUST_WORKSPACE: "true" },
    });
    await writeFile(
      join(dir, "model_config.yaml"),
      stringify({
        models: {
          claude_cli: cliModel("claude-cli", claude, "anthropic", "claude-sonnet-4-5"),
          gemini_cli: cliModel("gemini-cli", gemini, "google", "gemini-2.5-pro"),
        },
        routing: {
          rules: [
            { role: ["planner", "implementer"], use: "claude_cli", reason: "author" },
            { role: ["plan_reviewer", "code_reviewer"], use: "gemini_cli", reason: "reviewer" },
          ],
        },
        // Retries on, as by default: an auth error must still be tried only once.
        resilience: { max_retries: 2, fallback: false },
      }),
    );
    await writeFile(
      join(dir, "quality_rules.yaml"),
      stringify({
        checks: { test: { command: ["node", "-e", "process.exit(0)"], kind: "tests" } },
        levels: { TRIVIAL: ["test"], SMALL: ["test"], MEDIUM: ["test"], LARGE: ["test"] },
      }),
    );
    await repo.commitAll("orchestrator config");
    const run = await runCli(["run", "--task", "AUTH-1", "--json"], repo.root, repo.env);
    expect(run.code).toBe(1);
    const calls = run.stdout
      .split("\n")
      .filter((l) => l.includes('"model.call"'))
      .map((l) =>
        z
          .object({ role: z.string(), ok: z.boolean(), errorKind: z.string().optional() })
          .parse(JSON.parse(l)),
      );
    expect(calls).toEqual([{ role: "planner", ok: false, errorKind: "auth" }]);
    const status = await runCli(["status"], repo.root, repo.env);
    expect(status.stdout).toContain("AWAITING_HUMAN_REVIEW");
    expect(status.stdout).toContain("Not logged in · Please run /login");
    expect(status.stdout).toContain("fix: set ANTHROPIC_API_KEY");
  }, 180_000);

  it("doctor --offline fails each CLI model without credentials, and passes once they exist", async () => {
    const repo = await createTempRepo();
    repos.push(repo);
    const dir = join(repo.root, ".orchestrator");
    await mkdir(dir, { recursive: true });
    const userHome = await mkdtemp(join(tmpdir(), "orchestrator-doctor-home-"));
    const model = (provider: string, binary: string, family: string) => ({
      provider,
      binary,
      family,
      model: "m",
      tier: "medium",
      env: { HOME: userHome },
    });
    await writeFile(
      join(dir, "model_config.yaml"),
      stringify({
        models: {
          claude_cli: model("claude-cli", claude, "anthropic"),
          gemini_cli: model("gemini-cli", gemini, "google"),
          codex_cli: model("codex-cli", codex, "openai"),
        },
        routing: {
          rules: [
            { role: ["planner", "implementer"], use: "claude_cli", reason: "a" },
            { role: ["plan_reviewer"], use: "gemini_cli", reason: "b" },
            { role: ["code_reviewer"], use: "codex_cli", reason: "c" },
          ],
        },
      }),
    );
    const env = { ...repo.env, ...NO_KEYS };
    const bare = await runCli(["doctor", "--offline"], repo.root, env);
    expect(bare.code).toBe(1);
    expect(bare.stdout).toMatch(
      /^ {3}problem: not logged in \(auth\): no ANTHROPIC_API_KEY and no Claude Code login/m,
    );
    expect(bare.stdout).toMatch(
      /^ {3}fix: set ANTHROPIC_API_KEY .* or run `claude` once and log in$/m,
    );
    expect(bare.stdout).toMatch(
      /^ {3}problem: not logged in \(auth\): no GEMINI_API_KEY and no auth method/m,
    );
    expect(bare.stdout).toMatch(
      /^ {3}problem: not logged in \(auth\): no OPENAI_API_KEY and no Codex login/m,
    );
    expect(bare.stdout).toMatch(/^ {3}fix: run `codex login` or set OPENAI_API_KEY/m);
    expect(bare.stdout).toMatch(/^not ready: claude_cli, gemini_cli, codex_cli cannot run/m);

    // The files each CLI's own login writes, and a key variable for Gemini's chosen method.
    await mkdir(join(userHome, ".claude"), { recursive: true });
    await writeFile(
      join(userHome, ".claude", ".credentials.json"),
      JSON.stringify({ claudeAiOauth: { accessToken: "x" } }),
    );
    await mkdir(join(userHome, ".gemini"), { recursive: true });
    await writeFile(
      join(userHome, ".gemini", "settings.json"),
      JSON.stringify({ security: { auth: { selectedType: "oauth-personal" } } }),
    );
    await writeFile(join(userHome, ".gemini", "oauth_creds.json"), "{}");
    await mkdir(join(userHome, ".codex"), { recursive: true });
    await writeFile(join(userHome, ".codex", "auth.json"), "{}");
    const ready = await runCli(["doctor", "--offline"], repo.root, env);
    expect(ready.stdout).toContain(`login in ${join(userHome, ".claude", ".credentials.json")}`);
    expect(ready.stdout).toContain(
      `Google login in ${join(userHome, ".gemini", "oauth_creds.json")}`,
    );
    expect(ready.stdout).toContain(`login in ${join(userHome, ".codex", "auth.json")}`);
    expect(ready.code).toBe(0);
    await rm(userHome, { recursive: true, force: true });
  }, 180_000);
});
