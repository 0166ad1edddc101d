import { readFileSync } from "node:fs";
import type { ProcessResult } from "../../src/core/ports.js";
import type { ModelSpec } from "../../src/core/project-config.js";

/** A recorded CLI output from `test/fixtures/cli/`. */
export function recorded(name: string): string {
  return readFileSync(new URL(`../fixtures/cli/${name}`, import.meta.url), "utf8");
}

/** A process result with defaults for the fields a test does not care about. */
export function processResult(fields: Partial<ProcessResult>): ProcessResult {
  return {
    exitCode: 0,
    signal: null,
    timedOut: false,
    durationMs: 120,
    stdout: "",
    stderr: "",
    ...fields,
  };
}

/** A CLI model spec for tests. */
export function cliSpec(
  provider: ModelSpec["provider"],
  fields: Partial<ModelSpec> = {},
): ModelSpec {
  return {
    name: `${provider}_model`,
    provider,
    model: "test-model",
    family: "test",
    tier: "medium",
    price: { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
    args: [],
    env: {},
    timeoutMs: 60_000,
    ...fields,
  };
}
