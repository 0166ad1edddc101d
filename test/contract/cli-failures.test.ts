import { chmod, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { runCli } from "../support/cli.js";
import { createTempRepo, type TempRepo } from "../workspace/temp-repo.js";
import { writeCliProject, type RawCliModel } from "./cli-project.js";

/**
 * How a broken CLI ends a task: each fake `claude` below plays the planner; the task must stop
 * in AWAITING_HUMAN_REVIEW with reason model_error and the provider's documented message,
 * visible in `orchestrator status`. The hanging one must be killed with everything it started.
 */

const FAKES: Readonly<Record<string, string>> = {
  garbage: 'process.stdout.write("this is not json {");\n',
  nonzero: 'process.stderr.write("fatal: the fake CLI broke\\n");\nprocess.exit(3);\n',
  // Ignores SIGTERM, so only the SIGKILL of the whole process group ends it and its child.
  hang: [
    'const { spawn } = require("node:child_process");',
    'const { writeFileSync } = require("node:fs");',
    'process.on("SIGTERM", () => {});',
    'const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });',
    "writeFileSync(process.env.PIDS_FILE, JSON.stringify([process.pid, child.pid]));",
    "setInterval(() => {}, 1000);",
    "",
  ].join("\n"),
};

const EXPECTED: Readonly<Record<string, string>> = {
  garbage: "fake_garbage: malformed output: ",
  nonzero: "fake_nonzero: nonzero exit: ",
  hang: "fake_hang: timeout: ",
  missing: "fake_missing: binary missing: ",
};

let repo: TempRepo | undefined;
afterAll(async () => {
  await repo?.cleanup();
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("a failing CLI ends the task in a clear state", () => {
  it("garbage, a non-zero exit, a hang past the timeout and a missing binary", async () => {
    const r = (repo = await createTempRepo());
    const pidsFile = join(r.root, "..", "hang-pids.json");
    const models: Record<string, RawCliModel> = {};
    for (const [name, body] of Object.entries(FAKES)) {
      const path = join(r.root, "..", `fake-${name}.cjs`);
      await writeFile(path, `#!${process.execPath}\n${body}`);
      await chmod(path, 0o755);
      models[`fake_${name}`] = {
        provider: "claude-cli",
        model: "claude-sonnet-4-5",
        family: "anthropic",
        binary: path,
        timeout: "3s",
        env: { PIDS_FILE: pidsFile },
      };
    }
    models.fake_missing = {
      provider: "claude-cli",
      model: "claude-sonnet-4-5",
      family: "anthropic",
      binary: join(r.root, "..", "no-such-claude"),
    };
    // A second family so the cross-review rule can be met; never called.
    models.other = { ...models.fake_missing, family: "other", provider: "gemini-cli" };
    const areas = ["garbage", "nonzero", "hang", "missing"];
    await writeCliProject(r.root, {
      tasks: areas.map((area) => ({
        id: `FAIL-${area}`,
        goal: `Fail with ${area}`,
        risk: "low",
        area,
      })),
      models,
      rules: [
        ...areas.map((area) => ({ role: "planner", area, use: `fake_${area}`, reason: area })),
        {
          role: ["planner", "plan_reviewer", "implementer", "code_reviewer"],
          use: ["other", "fake_missing"],
          reason: "rest",
        },
      ],
      checks: { test: { command: ["node", "-e", "process.exit(0)"] } },
      maxAttempts: 1,
    });
    await r.commitAll("orchestrator config");

    const started = performance.now();
    for (const area of areas) await runCli(["run", "--task", `FAIL-${area}`], r.root, r.env);
    // Three quick failures and one 3 s timeout (plus the kill grace), not minutes of retries.
    expect(performance.now() - started).toBeLessThan(60_000);

    const text = (await runCli(["status"], r.root, r.env)).stdout;
    const lines = text.split("\n");
    for (const area of areas) {
      const at = lines.findIndex((l) => l.includes(`FAIL-${area}`));
      // The task's row, then its reason on the next line.
      const row = `${lines[at] ?? ""}\n${lines[at + 1] ?? ""}`;
      expect(row, area).toContain("AWAITING_HUMAN_REVIEW");
      expect(row, area).toContain("model_error");
      expect(row, area).toContain(EXPECTED[area]);
    }
    expect(text).toContain("was killed after the model's timeout of 3s");
    expect(text).toContain("exited with code 3: fatal: the fake CLI broke");
    expect(text).toContain("is not its documented JSON");
    expect(text).toContain('no-such-claude" was not found');

    // The hung CLI and the child it started are gone: the process group was killed.
    const pids = z
      .array(z.number().int())
      .length(2)
      .parse(JSON.parse(await readFile(pidsFile, "utf8")));
    for (const pid of pids) expect(alive(pid), `pid ${String(pid)}`).toBe(false);
  }, 120_000);
});
