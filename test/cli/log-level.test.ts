import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { createTempRepo, type TempRepo } from "../workspace/temp-repo.js";

let repo: TempRepo | undefined;
afterAll(async () => {
  await repo?.cleanup();
});

describe("--log-level", () => {
  it("with an unknown level is bad input (exit 2) for any command, not ignored", async () => {
    repo = await createTempRepo();
    const bad = await runCli(["--log-level", "verbose", "status"], repo.root, repo.env);
    expect(bad.stderr.trim()).toBe(
      'orchestrator: --log-level: unknown log level "verbose" (expected trace, debug, info, warn, error, fatal, silent)',
    );
    expect(bad.stdout).toBe("");
    expect(bad.code).toBe(2);
    const good = await runCli(["--log-level", "WARN", "status"], repo.root, repo.env);
    expect(good.code).toBe(0);
  }, 60_000);
});
