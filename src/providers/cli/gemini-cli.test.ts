import { describe, expect, it } from "vitest";
import type { ModelRequest } from "../../core/ports.js";
import { ProviderError } from "../../core/provider-errors.js";
import { ARGV_PROMPT_LIMIT } from "./cli-dialect.js";
import { geminiCli } from "./gemini-cli.js";
import { cliSpec, processResult, recorded } from "../../../test/support/cli-testdata.js";

const spec = cliSpec("gemini-cli", { model: "gemini-2.5-pro" });
const request = (fields: Partial<ModelRequest> = {}): ModelRequest => ({
  role: "plan_reviewer",
  taskId: "T-1",
  system: "You review plans.",
  prompt: "Review this plan.",
  mode: "text",
  cwd: "/tmp",
  ...fields,
});

describe("gemini-cli invocation", () => {
  it("text mode: system text leads the prompt, read-only default approval", () => {
    const inv = geminiCli.invocation(spec, request());
    expect(inv.args).toEqual([
      "--prompt=You review plans.\n\n---\n\nReview this plan.",
      "--output-format",
      "json",
      "-m",
      "gemini-2.5-pro",
      "--approval-mode",
      "default",
    ]);
  });

  it("agent mode: auto_edit by default, yolo and allowed tools when configured", () => {
    expect(geminiCli.invocation(spec, request({ mode: "agent" })).args).toContain("auto_edit");
    const custom = {
      ...spec,
      permissionMode: "yolo",
      allowedTools: ["run_shell_command(npm test)"],
    };
    const args = geminiCli.invocation(custom, request({ mode: "agent" })).args;
    expect(args).toContain("yolo");
    expect(args).toContain("--allowed-tools=run_shell_command(npm test)");
  });

  it("sends a long prompt on stdin with an empty -p", () => {
    const inv = geminiCli.invocation(spec, request({ prompt: "y".repeat(ARGV_PROMPT_LIMIT) }));
    expect(inv.args[0]).toBe("--prompt=");
    expect(inv.input?.endsWith("y".repeat(10))).toBe(true);
  });
});

describe("gemini-cli output", () => {
  it("reads the answer, the token stats and the model from stats.models", () => {
    const answer = geminiCli.parse(
      spec,
      processResult({ stdout: recorded("gemini-agent-success.stdout") }),
    );
    expect(answer).not.toBeInstanceOf(ProviderError);
    expect(answer).toMatchObject({ text: "PROBE-OK", modelId: "gemini-2.5-pro" });
    expect(answer).toHaveProperty("usage.output", 13);
    expect(answer).not.toHaveProperty("costUsd");
  });

  it.each([
    ["gemini-41-noauth.stderr", 41, "auth", "authentication failed"],
    ["gemini-401.stderr", 145, "auth", "probe fault 401"],
    ["gemini-malformed.stderr", 1, "nonzero_exit", "Expected property name"],
  ] as const)("classifies the error JSON on stderr of %s", (file, exitCode, kind, text) => {
    const error = geminiCli.parse(spec, processResult({ exitCode, stderr: recorded(file) }));
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind });
    expect((error as ProviderError).message).toContain(text);
  });

  it.each([
    [42, "bad_request", "invalid input"],
    [52, "bad_request", "invalid configuration"],
    [53, "nonzero_exit", "turn limit reached"],
  ] as const)("maps exit code %i without JSON to %s", (exitCode, kind, text) => {
    const error = geminiCli.parse(spec, processResult({ exitCode, stderr: "oops" }));
    expect(error).toMatchObject({ kind, message: expect.stringContaining(text) as unknown });
  });

  it("output without a response is malformed", () => {
    expect(geminiCli.parse(spec, processResult({ stdout: "{\n}\n" }))).toMatchObject({
      kind: "malformed_output",
    });
  });
});
