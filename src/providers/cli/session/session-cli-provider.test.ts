import { chmod, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { ChildTracker, ModelRequest, SpawnedChild } from "../../../core/ports.js";
import { ProviderError } from "../../../core/provider-errors.js";
import { liveGroupMembers } from "../../../process/proc-stat.js";
import { cliSpec } from "../../../../test/support/cli-testdata.js";
import { createCliProvider } from "../index.js";
import { SessionCliProvider } from "./session-cli-provider.js";

/**
 * A fake `claude` (a real process): in stream-json mode it answers each user message with a
 * result line whose `total_cost_usd` counts the whole process, as Claude Code does; FAKE_MODE
 * makes it refuse the mode, hang, or die mid-call. Every start is logged with its arguments.
 */
const FAKE_CLAUDE = `
const fs = require("node:fs");
const args = process.argv.slice(2);
fs.appendFileSync(process.env.LOG, JSON.stringify(args) + "\\n");
const mode = process.env.FAKE_MODE;
const result = (text, total) =>
  console.log(JSON.stringify({ type: "result", subtype: "success", is_error: false, result: text,
    total_cost_usd: total, usage: { input_tokens: 10, output_tokens: 2 } }));
if (!args.includes("--input-format")) {
  result("one process per call", 0.5);
  process.exit(0);
}
if (mode === "no-session") {
  process.stderr.write("error: unknown option '--input-format'\\n");
  process.exit(2);
}
let total = 0;
require("node:readline").createInterface({ input: process.stdin }).on("line", (line) => {
  const text = JSON.parse(line).message.content;
  if (mode === "hang") return;
  if (mode === "die") {
    console.log('{"type":"system","subtype":"init"}');
    process.stderr.write("fatal: lost the model\\n");
    process.exit(3);
  }
  if (text === "/clear") return result("", total);
  total += 0.01;
  result("echo " + text, total);
});
`;

let dir: string;
let binary: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "session-provider-"));
  binary = join(dir, "fake-claude.cjs");
  await writeFile(binary, `#!${process.execPath}\n${FAKE_CLAUDE}`);
  await chmod(binary, 0o755);
});

class Tracker implements ChildTracker {
  readonly starts: SpawnedChild[] = [];
  readonly ends: SpawnedChild[] = [];
  started(child: SpawnedChild): Promise<void> {
    this.starts.push(child);
    return Promise.resolve();
  }
  ended(child: SpawnedChild): Promise<void> {
    this.ends.push(child);
    return Promise.resolve();
  }
}

function fake(mode: string, timeoutMs = 30_000) {
  const log = join(dir, `${mode}-${String(Math.random()).slice(2)}.log`);
  const provider = createCliProvider(
    cliSpec("claude-cli", { binary, timeoutMs, env: { LOG: log, FAKE_MODE: mode } }),
    "claude-cli",
  );
  if (!(provider instanceof SessionCliProvider)) throw new Error("not a session provider");
  const tracker = new Tracker();
  const request = (prompt: string, taskId = "T-1"): ModelRequest => ({
    role: "implementer",
    taskId,
    system: "sys",
    prompt,
    mode: "text",
    cwd: dir,
    track: tracker,
  });
  const starts = async (): Promise<string[][]> =>
    (await readFile(log, "utf8").catch(() => ""))
      .split("\n")
      .filter((l) => l !== "")
      .map((l) => JSON.parse(l) as string[]);
  return { provider, tracker, request, starts };
}

describe("SessionCliProvider", () => {
  it("serves the calls of a task through one process and prices each call on its own", async () => {
    const { provider, tracker, request, starts } = fake("ok");
    const one = await provider.complete(request("first"));
    const two = await provider.complete(request("second"));
    expect([one.text, two.text]).toEqual(["echo first", "echo second"]);
    // The CLI's total counts the process; each call costs its own 0.01.
    expect(one.costUsd).toBeCloseTo(0.01, 9);
    expect(two.costUsd).toBeCloseTo(0.01, 9);
    expect(await starts()).toHaveLength(1);
    expect(tracker.starts).toHaveLength(1);
    // Another task never shares it.
    await provider.complete(request("third", "T-2"));
    expect(tracker.starts).toHaveLength(2);
    await provider.endTask("T-1");
    await provider.endTask("T-2");
    expect(tracker.ends).toHaveLength(2);
    for (const child of tracker.starts) expect(liveGroupMembers(child.pgid)).toEqual([]);
  }, 60_000);

  it("runs one process per call when the session mode does not start, and does not retry it", async () => {
    const { provider, request, starts } = fake("no-session");
    const one = await provider.complete(request("first"));
    const two = await provider.complete(request("second"));
    expect([one.text, two.text]).toEqual(["one process per call", "one process per call"]);
    expect(one.transcript).toContain("session did not start");
    expect(one.transcript).toContain("unknown option '--input-format'");
    const runs = await starts();
    expect(runs.map((args) => args.includes("--input-format"))).toEqual([true, false, false]);
  }, 60_000);

  it("kills a session whose call passes the timeout, and starts a new one for the next call", async () => {
    const { provider, tracker, request } = fake("hang", 1_000);
    const error = await provider.complete(request("first")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: "timeout" });
    expect(String(error)).toContain("was killed after the model's timeout of 1s");
    const first = tracker.starts[0];
    expect(first).toBeDefined();
    if (first) expect(liveGroupMembers(first.pgid)).toEqual([]);
    expect(provider.sessionCount("T-1")).toBe(0);
    await provider.complete(request("second")).catch(() => undefined);
    expect(tracker.starts).toHaveLength(2);
    await provider.endTask("T-1");
  }, 60_000);

  it("kills the session's group when the call is aborted", async () => {
    const { provider, tracker, request } = fake("hang");
    const controller = new AbortController();
    setTimeout(() => {
      controller.abort(new Error("interrupted"));
    }, 500);
    const call = provider.complete({ ...request("first"), signal: controller.signal });
    await expect(call).rejects.toThrow("interrupted");
    const child = tracker.starts[0];
    expect(child).toBeDefined();
    if (child) expect(liveGroupMembers(child.pgid)).toEqual([]);
    expect(provider.sessionCount("T-1")).toBe(0);
  }, 60_000);

  it("fails a call whose session dies mid-way like a process that exited", async () => {
    const { provider, request } = fake("die");
    const error = await provider.complete(request("first")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: "nonzero_exit", status: 3 });
    expect(String(error)).toContain("exited with code 3: fatal: lost the model");
  }, 60_000);

  it("runs one process per call when the model sets session: false", () => {
    const provider = createCliProvider(cliSpec("gemini-cli", { session: false }), "gemini-cli");
    expect(provider).not.toBeInstanceOf(SessionCliProvider);
  });
});
