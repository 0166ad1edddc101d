import { afterEach, describe, expect, it, vi } from "vitest";
import { createTempRepo } from "../../test/workspace/temp-repo.js";
import { SystemError } from "../core/errors.js";
import type { ProcessResult, ProcessRunner, RunOptions } from "../core/ports.js";
import { NodeProcessRunner } from "../process/node-process-runner.js";
import { Git } from "./git.js";

/** Records each call and answers with a scripted result. */
class RecordingRunner implements ProcessRunner {
  readonly calls: { command: string; args: readonly string[]; options: RunOptions }[] = [];
  constructor(private readonly result: Partial<ProcessResult> = {}) {}
  run(command: string, args: readonly string[], options: RunOptions): Promise<ProcessResult> {
    this.calls.push({ command, args, options });
    return Promise.resolve({
      exitCode: 0,
      signal: null,
      timedOut: false,
      durationMs: 1,
      stdout: "",
      stderr: "",
      ...this.result,
    });
  }
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("Git", () => {
  it("runs unattended in C locale, with per-command config and no inherited repository", async () => {
    vi.stubEnv("GIT_INDEX_FILE", "/somewhere/index");
    vi.stubEnv("GIT_DIR", "/somewhere/.git");
    const runner = new RecordingRunner();
    await new Git(runner, "/repo", { env: { EXTRA: "1" }, timeoutMs: 5 }).run(["status"], {
      config: { "user.name": "orchestrator" },
      input: "x",
    });
    const call = runner.calls[0]!;
    expect(call.command).toBe("git");
    expect(call.args).toEqual(["-c", "user.name=orchestrator", "status"]);
    expect(call.options).toMatchObject({
      cwd: "/repo",
      replaceEnv: true,
      timeoutMs: 5,
      input: "x",
    });
    expect(call.options.env).toMatchObject({ GIT_TERMINAL_PROMPT: "0", LC_ALL: "C", EXTRA: "1" });
    expect(call.options.env).not.toHaveProperty("GIT_INDEX_FILE");
    expect(call.options.env).not.toHaveProperty("GIT_DIR");
  });

  it("reports a failure as a SystemError naming the command and git's message", async () => {
    const repo = await createTempRepo();
    try {
      const error = await repo.git
        .run(["rev-parse", "--verify", "no-such-ref"])
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SystemError);
      expect((error as Error).message).toMatch(
        /^git rev-parse --verify no-such-ref failed with exit code 128 in .*:\nfatal: /,
      );
    } finally {
      await repo.cleanup();
    }
  });

  it("throws on a timeout even from tryRun, since a timeout is not an answer", async () => {
    const git = new Git(
      new RecordingRunner({ timedOut: true, exitCode: null, signal: "SIGTERM" }),
      "/r",
    );
    await expect(git.tryRun(["config", "--get", "user.name"])).rejects.toThrow(/timed out in \/r/);
  });

  it("throws when the git binary is missing", async () => {
    const git = new Git(new NodeProcessRunner(), process.cwd(), { binary: "no-such-git-binary" });
    await expect(git.tryRun(["--version"])).rejects.toThrow(SystemError);
  });
});
