import { describe, expect, it } from "vitest";
import type { ModelRequest } from "../../core/ports.js";
import { ProviderError } from "../../core/provider-errors.js";
import { ARGV_PROMPT_LIMIT } from "./cli-dialect.js";
import { claudeCli } from "./claude-cli.js";
import { cliSpec, processResult, recorded } from "../../../test/support/cli-testdata.js";

const spec = cliSpec("claude-cli", { model: "claude-sonnet-4-5" });
const request = (fields: Partial<ModelRequest> = {}): ModelRequest => ({
  role: "planner",
  taskId: "T-1",
  system: "You plan.",
  prompt: "Plan the task.",
  mode: "text",
  cwd: "/tmp",
  ...fields,
});

describe("claude-cli invocation", () => {
  it("text mode: prompt right after -p, own system prompt, every tool disabled", () => {
    const inv = claudeCli.invocation(spec, request());
    expect(inv.args).toEqual([
      "-p",
      "Plan the task.",
      "--output-format",
      "json",
      "--model",
      "claude-sonnet-4-5",
      "--system-prompt",
      "You plan.",
      "--tools",
      "",
    ]);
    expect(inv.input).toBeUndefined();
    expect(inv.env).toMatchObject({ DISABLE_AUTOUPDATER: "1" });
  });

  it("agent mode: appends the system prompt, sets the permission mode and allowed tools", () => {
    const custom = { ...spec, permissionMode: "bypassPermissions", allowedTools: ["Read", "Edit"] };
    const inv = claudeCli.invocation(custom, request({ mode: "agent", role: "implementer" }));
    expect(inv.args).toContain("--append-system-prompt");
    expect(inv.args.slice(-4)).toEqual([
      "--permission-mode",
      "bypassPermissions",
      "--allowedTools",
      "Read,Edit",
    ]);
    const byDefault = claudeCli.invocation(spec, request({ mode: "agent" }));
    expect(byDefault.args).toContain("acceptEdits");
    expect(byDefault.args).toContain("Read,Write,Edit,Glob,Grep,Bash");
  });

  it("sends a prompt over the argv limit, or one starting with '-', on stdin", () => {
    const big = "x".repeat(ARGV_PROMPT_LIMIT + 1);
    const inv = claudeCli.invocation(spec, request({ prompt: big }));
    expect(inv.input).toBe(big);
    expect(inv.args.join(" ")).not.toContain(big);
    expect(inv.args[1]).toBe("--output-format");
    expect(claudeCli.invocation(spec, request({ prompt: "--help" })).input).toBe("--help");
  });

  it("puts extra args from the model config last", () => {
    const inv = claudeCli.invocation({ ...spec, args: ["--effort", "low"] }, request());
    expect(inv.args.slice(-2)).toEqual(["--effort", "low"]);
  });
});

describe("claude-cli output", () => {
  it("reads text, normalised usage, its own cost and the model actually used", () => {
    const answer = claudeCli.parse(
      spec,
      processResult({ stdout: recorded("claude-agent-success.stdout") }),
    );
    expect(answer).not.toBeInstanceOf(ProviderError);
    expect(answer).toMatchObject({
      text: "PROBE-OK",
      usage: { input: 72, output: 24, cacheRead: 0, cacheWrite: 0 },
      // Recorded without --model: Claude Code's default, with its 1M-context suffix.
      costUsd: 0.00096,
      modelId: "claude-opus-4-8[1m]",
    });
  });

  it.each([
    ["claude-401.stdout", "auth", 401],
    ["claude-429.stdout", "rate_limit", 429],
    ["claude-529.stdout", "overloaded", 529],
  ] as const)("classifies the is_error result %s as %s", (file, kind, status) => {
    const error = claudeCli.parse(spec, processResult({ exitCode: 1, stdout: recorded(file) }));
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind, status, model: spec.name });
  });

  it("reports a stream the CLI could not read as a failed call naming the cause", () => {
    const error = claudeCli.parse(
      spec,
      processResult({ exitCode: 1, stdout: recorded("claude-malformed-stream.stdout") }),
    );
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).message).toContain("malformed response");
  });

  it("garbage on stdout with exit 0 is malformed output; with exit 1 a non-zero exit", () => {
    const garbage = claudeCli.parse(spec, processResult({ stdout: "hello {not json" }));
    expect(garbage).toMatchObject({ kind: "malformed_output" });
    const crashed = claudeCli.parse(spec, processResult({ exitCode: 3, stderr: "boom" }));
    expect(crashed).toMatchObject({ kind: "nonzero_exit", status: 3 });
    expect((crashed as ProviderError).message).toContain("exited with code 3: boom");
  });
});
