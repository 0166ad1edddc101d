import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { setTimeout as delay } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import type { ModelProvider, ModelRequest, ModelResponse } from "../../core/ports.js";
import { DEFAULT_RESILIENCE } from "../../core/project-config.js";
import type { ModelSpec } from "../../core/project-config.js";
import { ProviderError } from "../../core/provider-errors.js";
import { NodeProcessRunner } from "../../process/node-process-runner.js";
import { classifyError } from "./classify.js";
import { ModelResilience } from "./model-resilience.js";

// A "CLI" that starts a helper of its own, prints both pids, ignores SIGTERM and never answers.
const HUNG_CLI = `
const { spawn } = require("node:child_process");
const helper = spawn(process.execPath, ["-e", "process.on('SIGTERM', () => {}); setInterval(() => {}, 1000)"], { stdio: "ignore" });
process.on("SIGTERM", () => {});
process.stdout.write(process.pid + " " + helper.pid + "\\n");
setInterval(() => {}, 1000);
`;

// Long enough for node to start and print under load.
const TIMEOUT_MS = 1_500;

/** A process-backed provider the way CLI adapters are built: one runner, a timeout. */
class HungCliProvider implements ModelProvider {
  readonly name = "hung";
  readonly family = "test";
  readonly kind = "test-cli";
  readonly pids: number[] = [];
  private readonly runner = new NodeProcessRunner();

  async complete(request: ModelRequest): Promise<ModelResponse> {
    const result = await this.runner.run(process.execPath, ["-e", HUNG_CLI], {
      cwd: tmpdir(),
      timeoutMs: TIMEOUT_MS,
      ...(request.signal === undefined ? {} : { signal: request.signal }),
    });
    this.pids.push(...result.stdout.trim().split(" ").map(Number));
    if (result.timedOut) {
      throw new ProviderError("timeout", this.name, `no answer within ${TIMEOUT_MS} ms`);
    }
    return {
      text: result.stdout,
      usage: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 },
      modelId: "hung",
      durationMs: result.durationMs,
    };
  }
}

/** Whether a process exists and is not a zombie waiting to be reaped. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

const spec: ModelSpec = {
  name: "hung",
  provider: "claude-cli",
  model: "hung-1",
  family: "test",
  tier: "strong",
  price: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 },
  args: [],
  env: {},
  timeoutMs: TIMEOUT_MS,
};

describe("a hung model process", () => {
  it("is killed with everything it started at its timeout, on every retry", async () => {
    const provider = new HungCliProvider();
    const guard = new ModelResilience(
      { ...DEFAULT_RESILIENCE, maxRetries: 1 },
      { clock: { now: () => Date.now() }, sleep: () => Promise.resolve(), random: () => 0 },
    );
    const request: ModelRequest = {
      role: "implementer",
      taskId: "T-1",
      system: "",
      prompt: "hello",
      mode: "text",
      cwd: tmpdir(),
    };
    const outcome = await guard.run({
      primary: spec,
      alternatives: { models: [], none: "none configured" },
      attempt: async (model) => {
        try {
          return { ok: true, value: await provider.complete(request) };
        } catch (error) {
          return { ok: false, error: classifyError(error, model.name) };
        }
      },
    });
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.error.kind).toBe("timeout");
    // Two tries (one retry), each a CLI and its helper.
    expect(provider.pids).toHaveLength(4);
    expect(provider.pids.every((pid) => Number.isInteger(pid) && pid > 0)).toBe(true);
    for (let i = 0; i < 50 && provider.pids.some(alive); i++) await delay(20);
    expect(provider.pids.filter(alive)).toEqual([]);
  }, 20_000);
});
