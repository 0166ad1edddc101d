import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { ModelsConfig } from "../core/project-config.js";
import { routeByRules } from "../routing/index.js";
import { initFiles, loadProjectConfig } from "./index.js";
import type { AvailableModels } from "./starter-models.js";
import { familiesOf, starterModelConfig } from "./starter-models.js";

const roots: string[] = [];
afterEach(async () => {
  for (const root of roots.splice(0)) await rm(root, { recursive: true, force: true });
});

async function loadStarter(available: AvailableModels): Promise<ModelsConfig> {
  const root = await mkdtemp(join(tmpdir(), "orch-starter-"));
  roots.push(root);
  await mkdir(join(root, ".orchestrator"));
  for (const f of initFiles({ schemaDir: "/s", available })) {
    await writeFile(join(root, ".orchestrator", f.name), f.content);
  }
  return (await loadProjectConfig(root, { env: {}, requireTasks: false })).models;
}

function route(models: ModelsConfig, role: "implementer" | "planner", risk: string, area: string) {
  const author = routeByRules(models, { role, risk, area }).model;
  const reviewer = routeByRules(models, {
    role: role === "planner" ? "plan_reviewer" : "code_reviewer",
    risk,
    area,
    authorFamily: author.family,
  }).model;
  return { author: author.name, reviewer: reviewer.name, same: author.family === reviewer.family };
}

const CHOICES = {
  anthropic: [undefined, "claude-cli", "anthropic"],
  google: [undefined, "gemini-cli", "gemini"],
  openai: [undefined, "codex-cli", "openai-compatible"],
  ollama: [false, true],
} as const;

function every(): AvailableModels[] {
  const out: AvailableModels[] = [];
  for (const anthropic of CHOICES.anthropic)
    for (const google of CHOICES.google)
      for (const openai of CHOICES.openai)
        for (const ollama of CHOICES.ollama) {
          out.push({
            ...(anthropic ? { anthropic } : {}),
            ...(google ? { google } : {}),
            ...(openai ? { openai } : {}),
            ollama,
          });
        }
  return out;
}

describe("starterModelConfig", () => {
  it("loads for every mix of CLIs, keys and Ollama, and keeps cross-review with two families", async () => {
    for (const available of every()) {
      const models = await loadStarter(available);
      // Nothing found: the seed's two families are written.
      const families = familiesOf(available).length || 2;
      expect(models.routing.crossReview, JSON.stringify(available)).toBe(families >= 2);
      if (families < 2) continue;
      for (const risk of ["low", "medium", "high"]) {
        for (const area of ["core", "math", "api", "docs", "tests", "other"]) {
          expect(route(models, "implementer", risk, area).same).toBe(false);
          expect(route(models, "planner", risk, area).same).toBe(false);
        }
      }
    }
  }, 60_000);

  it("routes the seed's matrix with Claude and Gemini", async () => {
    const models = await loadStarter({ anthropic: "claude-cli", google: "gemini-cli" });
    expect(route(models, "implementer", "high", "core")).toMatchObject({
      author: "claude_sonnet",
      reviewer: "gemini_pro",
    });
    expect(route(models, "implementer", "low", "docs")).toMatchObject({
      author: "gemini_flash",
      reviewer: "claude_sonnet",
    });
    expect(route(models, "implementer", "low", "tests").author).toBe("gemini_flash");
    expect(route(models, "implementer", "medium", "services").author).toBe("gemini_pro");
    expect(route(models, "planner", "high", "core")).toMatchObject({
      author: "claude_sonnet",
      reviewer: "gemini_pro",
    });
  });

  it("prefers CLIs and uses API providers when only a key exists", async () => {
    const models = await loadStarter({
      anthropic: "anthropic",
      google: "gemini-cli",
      openai: "openai-compatible",
    });
    expect(models.models.get("claude_sonnet")?.provider).toBe("anthropic");
    expect(models.models.get("gemini_flash")?.provider).toBe("gemini-cli");
    expect(models.models.get("gpt")?.provider).toBe("openai-compatible");
  });

  it("stands in for a missing family: OpenAI for Claude, a local model for Flash", async () => {
    const models = await loadStarter({ openai: "codex-cli", ollama: true });
    expect(route(models, "implementer", "high", "core")).toMatchObject({
      author: "gpt",
      reviewer: "local_coder",
    });
    expect(route(models, "implementer", "low", "docs")).toMatchObject({
      author: "local_coder",
      reviewer: "gpt",
    });
  });

  it("says why cross-review is off when only one family is there, and what to do when none is", () => {
    const one = starterModelConfig({ google: "gemini-cli" });
    expect(one).toMatch(/Only one model family \(google\) was found\. Cross-review needs two/);
    expect(one).toContain("cross_review: false");
    const none = starterModelConfig({});
    expect(none).toMatch(/No model CLI or API key was found/);
    expect(none).toContain("provider: claude-cli");
    expect(none).toContain("cross_review: true");
  });
});
