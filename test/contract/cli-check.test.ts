import { tmpdir } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { costOfCall } from "../../src/costs/index.js";
import type { ModelSpec } from "../../src/core/project-config.js";
import { createProvider } from "../../src/providers/index.js";
import { ARGV_PROMPT_LIMIT } from "../../src/providers/cli/index.js";
import { installClis, PINNED_CLIS, type InstalledClis } from "../support/cli-install.js";
import { startModelServer, type ModelServer } from "../support/model-server/index.js";
import { cliHomes, type CliHomes } from "./cli-project.js";

/** Each real CLI through its adapter: `check` (doctor) and a prompt too long for argv. */

let clis: InstalledClis;
let server: ModelServer;
let homes: CliHomes;

beforeAll(async () => {
  clis = await installClis();
  server = await startModelServer({
    rules: [
      { name: "ok", match: { prompt: "Reply with the single word OK." }, text: "OK" },
      {
        name: "long",
        match: { prompt: "LONG-PROMPT-END" },
        text: "read it all",
        usage: { input: 30_000, output: 3 },
      },
    ],
  });
  homes = await cliHomes(server.url);
}, 600_000);

afterAll(async () => {
  await server.close();
});

const cases = [
  ["claude", "claude-cli", "claude-sonnet-4-5"],
  ["gemini", "gemini-cli", "gemini-2.5-pro"],
  ["codex", "codex-cli", "gpt-5-codex"],
] as const;

function spec(
  name: (typeof cases)[number][0],
  provider: ModelSpec["provider"],
  model: string,
): ModelSpec {
  return {
    name: `${name}_cli`,
    provider,
    model,
    family: name,
    tier: "medium",
    price: { input: 1, output: 2, cacheRead: 0, cacheWrite: 0 },
    args: [],
    env: homes[name],
    timeoutMs: 60_000,
    binary: clis[name],
  };
}

describe.each(cases)("%s", (name, provider, model) => {
  it("check: finds the binary, reads its version and makes a one-word call", async () => {
    const check = await createProvider(spec(name, provider, model)).check?.({ offline: false });
    expect(check?.problems).toEqual([]);
    expect(check?.ok).toBe(true);
    expect(check?.version).toContain(PINNED_CLIS[name].version);
    expect(check?.found).toContain(clis[name]);
  }, 60_000);

  it("sends a prompt longer than the argv limit on stdin, whole", async () => {
    const prompt = `${"lorem ipsum ".repeat(Math.ceil(ARGV_PROMPT_LIMIT / 10))}LONG-PROMPT-END`;
    const modelSpec = spec(name, provider, model);
    const response = await createProvider(modelSpec).complete({
      role: "plan_reviewer",
      taskId: "LONG",
      system: "Answer briefly.",
      prompt,
      mode: "text",
      cwd: tmpdir(),
    });
    expect(response.text).toBe("read it all");
    expect(response.usage.output).toBe(3);
    // What the engine records: the CLI's own figure when it gives one, else the priced usage.
    expect(costOfCall(response.usage, modelSpec.price, response.costUsd).usd).toBeGreaterThan(0);
    expect(response.transcript).toContain("read it all");
    const seen = server.requests.find((q) => q.rule === "long" && q.prompt?.includes(prompt));
    expect(seen, "the server got the whole prompt").toBeDefined();
  }, 60_000);
});
