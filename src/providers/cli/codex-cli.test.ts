import { describe, expect, it } from "vitest";
import type { ModelRequest } from "../../core/ports.js";
import { ProviderError } from "../../core/provider-errors.js";
import { codexCli } from "./codex-cli.js";
import { cliSpec, processResult, recorded } from "../../../test/support/cli-testdata.js";

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

  it("permission_mode picks the agent-mode sandbox only; args follow it (e.g. -c overrides)", () => {
    const full = cliSpec("codex-cli", {
      model: "gpt-5.5",
      permissionMode: "danger-full-access",
      args: ["-c", "model_provider=scripted"],
    });
    expect(codexCli.invocation(full, request({ mode: "agent" })).args).toEqual([
      "exec",
      "--json",
      "--skip-git-repo-check",
      "-m",
      "gpt-5.5",
      "-s",
      "danger-full-access",
      "-c",
      "model_provider=scripted",
      "Review.",
    ]);
    // A reviewer never gets write access, whatever the agent-mode sandbox is.
    expect(codexCli.invocation(full, request()).args).toContain("read-only");
    expect(codexCli.permissionModes[0]).toBe("workspace-write");
  });
});

/**
 * `codex exec --json -m gpt-5.5 -s workspace-write` (0.171.0) in agent mode against the scripted
 * model server: an apply_patch call, then a shell command, then the answer (paths shortened).
 */
const AGENT_RUN = [
  '{"type":"thread.started","thread_id":"01a21861-d097-71a2-ab10-24bb1c4c00eb"}',
  '{"type":"turn.started"}',
  '{"type":"item.started","item":{"id":"item_0","type":"file_change","changes":[{"path":"/work/wt/hello.txt","kind":"add"}],"status":"in_progress"}}',
  '{"type":"item.completed","item":{"id":"item_0","type":"file_change","changes":[{"path":"/work/wt/hello.txt","kind":"add"}],"status":"completed"}}',
  `{"type":"item.started","item":{"id":"item_1","type":"command_execution","command":"/bin/bash -lc 'echo shell > shell.txt && cat hello.txt'","aggregated_output":"","exit_code":null,"status":"in_progress"}}`,
  `{"type":"item.completed","item":{"id":"item_1","type":"command_execution","command":"/bin/bash -lc 'echo shell > shell.txt && cat hello.txt'","aggregated_output":"hi there\\n","exit_code":0,"status":"completed"}}`,
  '{"type":"item.completed","item":{"id":"item_2","type":"agent_message","text":"done"}}',
  '{"type":"turn.completed","usage":{"input_tokens":29334,"cached_input_tokens":0,"cache_write_input_tokens":0,"output_tokens":21,"reasoning_output_tokens":0}}',
].join("\n");

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

  it("agent mode: tool items (file_change, command_execution) are not the answer", () => {
    expect(codexCli.parse(spec, processResult({ stdout: AGENT_RUN }))).toMatchObject({
      text: "done",
      usage: { input: 29334, output: 21, cacheRead: 0, cacheWrite: 0 },
    });
    // A message between tool calls is progress; the answer is the last one.
    const progress =
      '{"type":"item.completed","item":{"id":"m","type":"agent_message","text":"Patching."}}';
    const stdout = AGENT_RUN.replace(
      '{"type":"item.started"',
      `${progress}\n{"type":"item.started"`,
    );
    expect(codexCli.parse(spec, processResult({ stdout }))).toMatchObject({ text: "done" });
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
