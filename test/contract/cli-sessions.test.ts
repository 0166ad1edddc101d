import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChildTracker, ModelRequest, SpawnedChild } from "../../src/core/ports.js";
import type { ModelSpec } from "../../src/core/project-config.js";
import { createCliProvider, SessionCliProvider } from "../../src/providers/cli/index.js";
import { liveGroupMembers } from "../../src/process/proc-stat.js";
import { installClis, type InstalledClis } from "../support/cli-install.js";
import { startModelServer, type ModelServer } from "../support/model-server/index.js";
import { cliHomes, type CliHomes } from "./cli-project.js";

/**
 * Each pinned CLI in its session mode (Claude Code stream-json, Gemini CLI ACP, Codex
 * app-server) against the scripted server: several calls of one task and role go through ONE
 * process, each as a fresh conversation with its own answer, tokens and cost; another role gets
 * its own process; ending the task stops them, and the tracker saw each start and end.
 */

let clis: InstalledClis;
let server: ModelServer;
let homes: CliHomes;

beforeAll(async () => {
  clis = await installClis();
  server = await startModelServer({
    rules: [
      {
        name: "one",
        match: { prompt: "CALL-ONE" },
        text: "answer one",
        usage: { input: 100, output: 7 },
      },
      {
        name: "two",
        match: { prompt: "CALL-TWO" },
        text: "answer two",
        usage: { input: 50, output: 3 },
      },
      {
        name: "three",
        match: { prompt: "CALL-THREE" },
        text: "answer three",
        usage: { input: 80, output: 5 },
      },
      {
        name: "write",
        match: { vendor: "anthropic", prompt: "WRITE-FILE", turn: 0 },
        toolCalls: [{ name: "Write", args: { file_path: "s.txt", content: "session\n" } }],
      },
      {
        name: "write-gemini",
        match: { vendor: "gemini", prompt: "WRITE-FILE", turn: 0 },
        toolCalls: [{ name: "write_file", args: { file_path: "s.txt", content: "session\n" } }],
      },
      {
        name: "write-codex",
        match: { vendor: "openai-responses", prompt: "WRITE-FILE", turn: 0 },
        toolCalls: [
          {
            name: "apply_patch",
            custom: "*** Begin Patch\n*** Add File: s.txt\n+session\n*** End Patch\n",
          },
        ],
      },
      { name: "written", match: { prompt: "WRITE-FILE", turn: 1 }, text: "wrote s.txt" },
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
  ["codex", "codex-cli", "gpt-5.5"],
] as const;

/** Records the children the provider starts, as the engine's store tracker would. */
/** The provider a CLI model gets by default: the session one. */
function sessionProvider(
  spec: ModelSpec,
  kind: "claude-cli" | "gemini-cli" | "codex-cli",
): SessionCliProvider {
  const provider = createCliProvider(spec, kind);
  if (!(provider instanceof SessionCliProvider)) throw new Error("not in session mode");
  return provider;
}

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

describe.each(cases)("%s in session mode", (name, provider, model) => {
  function spec(): ModelSpec {
    return {
      name: `${name}_session`,
      provider,
      model,
      family: name,
      tier: "medium",
      price: { input: 1, output: 2, cacheRead: 0, cacheWrite: 0 },
      args: [],
      env: homes[name],
      timeoutMs: 120_000,
      binary: clis[name],
    };
  }

  it("answers three calls of one task and role through one process, each on its own", async () => {
    const session = sessionProvider(spec(), provider);
    const tracker = new Tracker();
    const cwd = await mkdtemp(join(tmpdir(), `session-${name}-`));
    const request = (
      prompt: string,
      role: ModelRequest["role"] = "plan_reviewer",
    ): ModelRequest => ({
      role,
      taskId: `SESSION-${name}`,
      system: "Answer briefly.",
      prompt,
      mode: "text",
      cwd,
      track: tracker,
    });
    const before = server.requests.length;
    const one = await session.complete(request("CALL-ONE please"));
    const two = await session.complete(request("CALL-TWO please"));
    const three = await session.complete(request("CALL-THREE please"));
    expect([one.text, two.text, three.text]).toEqual(["answer one", "answer two", "answer three"]);
    expect([one.usage.input, two.usage.input, three.usage.input]).toEqual([100, 50, 80]);
    expect([one.usage.output, two.usage.output, three.usage.output]).toEqual([7, 3, 5]);
    // One process served all three.
    expect(tracker.starts).toHaveLength(1);
    expect(session.sessionCount(`SESSION-${name}`)).toBe(1);
    // Each call was a fresh conversation: the model saw its prompt and nothing of the others.
    const calls = server.requests
      .slice(before)
      .filter((q) => q.rule !== undefined && q.outcome === "answer");
    expect(calls.map((q) => q.rule)).toEqual(["one", "two", "three"]);
    for (const q of calls) {
      const body = JSON.stringify(q.body);
      const others = ["CALL-ONE", "CALL-TWO", "CALL-THREE"].filter((p) => !q.prompt?.includes(p));
      for (const other of others)
        expect(body, `${String(q.rule)} saw ${other}`).not.toContain(other);
    }
    if (name === "claude") {
      // Claude Code's own figure, per call (its result line counts the whole process).
      expect(one.costUsd).toBeCloseTo(0.000405, 9);
      expect(two.costUsd).toBeCloseTo(0.000195, 9);
    }
    // The call's own exchange is its transcript.
    expect(three.transcript).toContain("CALL-THREE");
    expect(three.transcript).not.toContain("CALL-ONE");

    // Another role: its own process.
    const reviewer = await session.complete(request("CALL-TWO again", "code_reviewer"));
    expect(reviewer.text).toBe("answer two");
    expect(tracker.starts).toHaveLength(2);

    await session.endTask(`SESSION-${name}`);
    expect(session.sessionCount(`SESSION-${name}`)).toBe(0);
    expect(tracker.ends.map((c) => c.pid).sort()).toEqual(tracker.starts.map((c) => c.pid).sort());
    for (const child of tracker.starts) expect(liveGroupMembers(child.pgid)).toEqual([]);
  }, 300_000);

  it("edits files in agent mode through the session", async () => {
    const cli = sessionProvider(spec(), provider);
    const cwd = await mkdtemp(join(tmpdir(), `session-agent-${name}-`));
    const tracker = new Tracker();
    const response = await cli.complete({
      role: "implementer",
      taskId: `AGENT-${name}`,
      system: "Do the step.",
      prompt: "WRITE-FILE now",
      mode: "agent",
      cwd,
      track: tracker,
    });
    expect(response.text).toBe("wrote s.txt");
    expect(await readFile(join(cwd, "s.txt"), "utf8")).toBe("session\n");
    await cli.endTask(`AGENT-${name}`);
    expect(tracker.ends).toHaveLength(1);
  }, 300_000);
});
