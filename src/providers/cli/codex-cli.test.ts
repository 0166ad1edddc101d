import { describe, expect, it } from "vitest";
import type { ModelRequest } from "../../core/ports.js";
import { ProviderError } from "../../core/provider-errors.js";
import { codexCli } from "./codex-cli.js";
import { cliSpec, processResult, recorded } from "./testdata.js";

const spec = cliSpec("codex-cli", { model: "gpt-5-codex" });
const request = (fields: Partial<ModelRequest> = {}): ModelRequest => ({
  role: "code_reviewer",
  taskId: "T-1",
  system: "",
  prompt: "Review.",
  mode: "text",
  cwd: "/tmp",
  ...fields,
});

describe("codex-cli invocation", () => {
  it("text mode is read-only; agent mode writes the workspace; long prompts go on stdin", () => {
    expect(codexCli.invocation(spec, request()).args).toEqual([
      "exec",
      "--json",
      "--skip-git-repo-check",
      "-m",
      "gpt-5-codex",
      "-s",
      "read-only",
      "Review.",
    ]);
    expect(codexCli.invocation(spec, request({ mode: "agent" })).args).toContain("workspace-write");
    const long = codexCli.invocation(spec, request({ prompt: "-starts with a dash" }));
    expect(long.args.at(-1)).toBe("-");
    expect(long.input).toBe("-starts with a dash");
  });
});

describe("codex-cli output", () => {
  it("reads the last agent message and the usage of turn.completed", () => {
    const answer = codexCli.parse(
      spec,
      processResult({ stdout: recorded("codex-text-success.stdout") }),
    );
    expect(answer).not.toBeInstanceOf(ProviderError);
    expect(answer).toMatchObject({
      text: "PROBE-OK",
      usage: { input: 12, output: 3, cacheRead: 0, cacheWrite: 0 },
    });
  });

  it("cached input tokens are part of input_tokens and counted once", () => {
    const stdout = [
      '{"type":"item.completed","item":{"id":"i","type":"agent_message","text":"done"}}',
      '{"type":"turn.completed","usage":{"input_tokens":100,"cached_input_tokens":80,"output_tokens":5}}',
    ].join("\n");
    expect(codexCli.parse(spec, processResult({ stdout }))).toMatchObject({
      usage: { input: 20, cacheRead: 80, output: 5 },
    });
  });

  it.each([
    ["codex-401.stdout", "auth", 401],
    ["codex-429.stdout", "rate_limit", 429],
    ["codex-529.stdout", "overloaded", 529],
    ["codex-malformed.stdout", "nonzero_exit", undefined],
  ] as const)("classifies turn.failed in %s as %s", (file, kind, status) => {
    const error = codexCli.parse(spec, processResult({ exitCode: 1, stdout: recorded(file) }));
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind, status });
  });
});
