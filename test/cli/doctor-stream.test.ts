import { spawn } from "node:child_process";
import { chmod, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { CLI } from "../support/cli.js";
import { createTempRepo, type TempRepo } from "../workspace/temp-repo.js";

/**
 * `doctor` checks models in parallel and prints each result as it comes: two fake `claude`
 * binaries take SLOW_S seconds to print their version, a third answers at once. The fast one is
 * configured last but printed first, long before the slow ones; the whole check takes about one
 * slow check, not two.
 */

const SLOW_S = 3;

let repo: TempRepo | undefined;
afterAll(async () => {
  await repo?.cleanup();
});

async function fakeClaude(dir: string, name: string, delayS: number): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, `#!/bin/sh\nsleep ${String(delayS)}\necho "2.1.0 (Claude Code)"\n`);
  await chmod(path, 0o755);
  return path;
}

/** Runs the CLI and notes when each stdout line arrived (ms after the start). */
function runTimed(
  args: readonly string[],
  cwd: string,
  env: Record<string, string>,
): Promise<{ code: number | null; lines: { at: number; text: string }[]; total: number }> {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: "1", ...env },
    });
    const lines: { at: number; text: string }[] = [];
    let partial = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      const parts = (partial + chunk).split("\n");
      partial = parts.pop() ?? "";
      for (const text of parts) lines.push({ at: performance.now() - started, text });
    });
    child.on("close", (code) => {
      resolve({ code, lines, total: performance.now() - started });
    });
  });
}

describe("orchestrator doctor", () => {
  it("checks models in parallel and prints each result as it comes", async () => {
    repo = await createTempRepo();
    const bin = join(repo.root, "..", "fake-bin");
    await mkdir(bin, { recursive: true });
    const model = (binary: string, family: string) => ({
      provider: "claude-cli",
      model: "claude-sonnet-4-5",
      family,
      tier: "medium",
      binary,
    });
    const dir = join(repo.root, ".orchestrator");
    await mkdir(dir, { recursive: true });
    await writeFile(
      join(dir, "model_config.yaml"),
      stringify({
        models: {
          slow_a: model(await fakeClaude(bin, "claude-slow-a", SLOW_S), "anthropic"),
          slow_b: model(await fakeClaude(bin, "claude-slow-b", SLOW_S), "other"),
          fast: model(await fakeClaude(bin, "claude-fast", 0), "third"),
        },
        routing: {
          rules: [
            { role: ["planner", "implementer"], use: "slow_a", reason: "a" },
            { role: ["plan_reviewer", "code_reviewer"], use: ["slow_b", "fast"], reason: "b" },
          ],
        },
      }),
    );
    const result = await runTimed(["doctor", "--offline"], repo.root, {
      ...repo.env,
      ANTHROPIC_API_KEY: "sk-ant-test",
    });
    expect(result.code).toBe(0);
    const models = result.lines.filter((l) => /^ok (slow_a|slow_b|fast) /.test(l.text));
    expect(models.map((l) => l.text.split(" ")[1])).toEqual(["fast", "slow_a", "slow_b"]);
    const fast = models[0]?.at ?? Infinity;
    const lastSlow = models[2]?.at ?? 0;
    // Printed as it came: the fast model's line well before the slow checks ended.
    expect(lastSlow - fast).toBeGreaterThan(SLOW_S * 1000 * 0.6);
    // In parallel: two slow checks took about one slow check, not two.
    expect(lastSlow - fast).toBeLessThan(SLOW_S * 1000 * 1.8);
    expect(result.lines.at(-1)?.text).toMatch(/^ok: 3 routed model\(s\) usable/);
  }, 60_000);
});
