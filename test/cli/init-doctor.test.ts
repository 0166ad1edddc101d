import { chmod, mkdir, readFile, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { loadProjectConfig } from "../../src/config/index.js";
import type { ModelsConfig } from "../../src/core/project-config.js";
import { routeByRules } from "../../src/routing/index.js";
import { runCli } from "../support/cli.js";
import { writeScriptedProject } from "../support/scripted-project.js";
import { createTempRepo } from "../workspace/temp-repo.js";
import type { TempRepo } from "../workspace/temp-repo.js";
import { NodeProcessRunner } from "../../src/process/node-process-runner.js";
import { stringify } from "yaml";

let repo: TempRepo | undefined;
afterEach(async () => {
  await repo?.cleanup();
  repo = undefined;
});

/** A PATH holding only git and the given fake CLIs (each prints a version). */
async function fakePath(r: TempRepo, clis: Record<string, string>): Promise<string> {
  const bin = join(r.root, "..", "bin");
  await mkdir(bin, { recursive: true });
  const which = await new NodeProcessRunner().run("sh", ["-c", "command -v git"], { cwd: r.root });
  await symlink(which.stdout.trim(), join(bin, "git"));
  for (const [name, version] of Object.entries(clis)) {
    await writeFile(join(bin, name), `#!/bin/sh\necho "${version}"\n`);
    await chmod(join(bin, name), 0o755);
  }
  return bin;
}

/** An environment where no API key is set and no Ollama answers. */
function cleanEnv(r: TempRepo, path: string): Record<string, string> {
  return {
    ...r.env,
    PATH: path,
    // A home without any CLI's login files.
    HOME: join(r.root, ".."),
    ANTHROPIC_API_KEY: "",
    GEMINI_API_KEY: "",
    GOOGLE_API_KEY: "",
    OPENAI_API_KEY: "",
    OLLAMA_HOST: "127.0.0.1:9",
  };
}

function route(models: ModelsConfig, risk: string, area: string) {
  const author = routeByRules(models, { role: "implementer", risk, area }).model;
  const reviewer = routeByRules(models, {
    role: "code_reviewer",
    risk,
    area,
    authorFamily: author.family,
  }).model;
  return { author: author.name, provider: author.provider, reviewer: reviewer.name };
}

const DoctorJson = z.object({
  ok: z.boolean(),
  offline: z.boolean(),
  models: z.array(
    z.object({
      name: z.string(),
      routed: z.boolean(),
      status: z.enum(["ok", "problem", "unchecked"]),
      found: z.string().optional(),
      problems: z.array(z.string()),
      fixes: z.array(z.string()),
    }),
  ),
});

describe("orchestrator init with the CLIs on PATH", () => {
  it("configures claude and gemini, routes the seed's matrix, validates, and doctor agrees", async () => {
    repo = await createTempRepo();
    const bin = await fakePath(repo, { claude: "2.1.0 (Claude Code)", gemini: "0.9.0" });
    const env = cleanEnv(repo, bin);
    const init = await runCli(["init"], repo.root, env);
    expect(init.code).toBe(0);
    expect(init.stdout).toContain(`found claude-cli: ${join(bin, "claude")}`);
    expect(init.stdout).toContain(`found gemini-cli: ${join(bin, "gemini")}`);
    expect(init.stdout).toMatch(/not found: codex \(codex-cli\) on PATH, ANTHROPIC_API_KEY, /);
    expect(init.stdout).toContain("Ollama at http://127.0.0.1:9");
    expect(init.stdout).toContain("model families: anthropic, google");
    expect(init.stdout).toContain("`orchestrator doctor`");

    expect((await runCli(["validate"], repo.root, env)).code).toBe(0);
    const config = await loadProjectConfig(repo.root, { env: {}, requireTasks: true });
    expect(route(config.models, "high", "core")).toEqual({
      author: "claude_sonnet",
      provider: "claude-cli",
      reviewer: "gemini_pro",
    });
    for (const area of ["docs", "tests"]) {
      expect(route(config.models, "low", area)).toEqual({
        author: "gemini_flash",
        provider: "gemini-cli",
        reviewer: "claude_sonnet",
      });
    }

    // Offline, doctor still wants credentials each CLI can use: here, key variables.
    const keyless = await runCli(["doctor", "--offline"], repo.root, env);
    expect(keyless.stdout).toMatch(/^ {3}problem: not logged in \(auth\): no ANTHROPIC_API_KEY/m);
    expect(keyless.code).toBe(1);
    const doctor = await runCli(["doctor", "--offline"], repo.root, {
      ...env,
      ANTHROPIC_API_KEY: "sk-ant-test",
      GEMINI_API_KEY: "gemini-test",
    });
    expect(doctor.stdout).toContain(
      `claude 2.1.0 (Claude Code) at ${join(bin, "claude")}, key in ANTHROPIC_API_KEY`,
    );
    expect(doctor.code).toBe(0);
  });

  it("writes a loadable one-family config with cross-review off and says why", async () => {
    repo = await createTempRepo();
    const bin = await fakePath(repo, { gemini: "0.9.0" });
    const env = cleanEnv(repo, bin);
    const init = await runCli(["init", "--json"], repo.root, env);
    expect(init.code).toBe(0);
    expect(JSON.parse(init.stdout)).toMatchObject({ families: ["google"] });
    const text = await readFile(join(repo.root, ".orchestrator", "model_config.yaml"), "utf8");
    expect(text).toContain("Cross-review needs two");
    expect(text).toContain("cross_review: false");
    expect((await runCli(["validate"], repo.root, env)).code).toBe(0);
  });
});

describe("orchestrator doctor", () => {
  it("passes with scripted models and prints JSON with --json", async () => {
    repo = await createTempRepo();
    await writeScriptedProject(repo.root, { taskId: "T-1", script: { answers: [] } });
    const text = await runCli(["doctor"], repo.root, repo.env);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(
      /^ok claude_sonnet \(scripted, anthropic, strong\): answers from /m,
    );
    expect(text.stdout).toMatch(/^ok: 2 routed model\(s\) usable$/m);
    const json = await runCli(["doctor", "--json"], repo.root, repo.env);
    const report = DoctorJson.parse(JSON.parse(json.stdout));
    expect(report).toMatchObject({ ok: true, offline: false });
    expect(report.models.map((m) => [m.name, m.status])).toEqual([
      ["claude_sonnet", "ok"],
      ["gemini_pro", "ok"],
    ]);
  });

  it("fails (exit 1) when a routed model's binary is missing, with a one-line fix", async () => {
    repo = await createTempRepo();
    await writeScriptedProject(repo.root, { taskId: "T-1", script: { answers: [] } });
    const config = join(repo.root, ".orchestrator", "model_config.yaml");
    const models = {
      claude_sonnet: {
        provider: "claude-cli",
        model: "claude-sonnet-4-5",
        family: "anthropic",
        tier: "strong",
        binary: "claude-not-installed",
      },
      gemini_pro: {
        provider: "scripted",
        model: "g",
        family: "google",
        script: "script.yaml",
      },
      claude_b: { provider: "scripted", model: "c", family: "anthropic", script: "script.yaml" },
      unused: { provider: "codex-cli", model: "gpt-5", family: "openai", binary: "no-codex" },
    };
    const original = await readFile(config, "utf8");
    const routing = original.slice(original.indexOf("routing:"));
    await writeFile(config, `${stringify({ models })}${routing}`);
    const bin = await fakePath(repo, {});
    const result = await runCli(["doctor", "--offline"], repo.root, cleanEnv(repo, bin));
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /^!! claude_sonnet \(claude-cli, anthropic, strong\): not usable$/m,
    );
    expect(result.stdout).toMatch(/^ {3}problem: .*claude-not-installed.*not found/m);
    expect(result.stdout).toMatch(/^ {3}fix: npm install -g @anthropic-ai\/claude-code/m);
    expect(result.stdout).toMatch(
      /^!! unused \(codex-cli, openai, medium\) \(not routed: not needed\)/m,
    );
    expect(result.stdout).toMatch(/^not ready: claude_sonnet cannot run/m);

    // Without the broken model in the routing, the same problems do not fail doctor.
    await writeFile(
      config,
      `${stringify({ models })}${routing.replaceAll("claude_sonnet", "claude_b")}`,
    );
    const relaxed = await runCli(["doctor", "--offline", "--json"], repo.root, {
      ...cleanEnv(repo, bin),
    });
    expect(relaxed.stderr).toBe("");
    const report = DoctorJson.parse(JSON.parse(relaxed.stdout));
    expect(report.ok).toBe(true);
    expect(relaxed.code).toBe(0);
  });
});
