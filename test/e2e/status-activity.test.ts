import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createInterface } from "node:readline";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { taskWorktreePath } from "../../src/workspace/task-paths.js";
import { CLI, runCli } from "../support/cli.js";
import { happyScript } from "../support/script-builder.js";
import { writeScriptedProject } from "../support/scripted-project.js";
import { createTempRepo, type TempRepo } from "../workspace/temp-repo.js";

const TASK = "ST-1";
const script = happyScript(TASK, [
  { id: "S1", description: "Add a file", files: { "a.txt": "a\n" } },
]);
// The planner thinks for a while: long enough to ask `status` and `abort` meanwhile.
for (const a of script.answers) if (a.role === "planner") a.delay_ms = 8_000;

const repos: TempRepo[] = [];
afterAll(async () => {
  await Promise.all(repos.map((r) => r.cleanup()));
});

const Rows = z.array(
  z.object({ id: z.string(), state: z.string(), activity: z.string().nullable() }),
);

describe("status and abort of a task that runs, then of one whose run died", () => {
  it("running while a live process holds the lease; interrupted after kill -9; abort says how to stop", async () => {
    const repo = await createTempRepo();
    repos.push(repo);
    await writeScriptedProject(repo.root, { taskId: TASK, script });
    await repo.commitAll("orchestrator config");
    const child = spawn(process.execPath, [CLI, "run", "--task", TASK, "--json"], {
      cwd: repo.root,
      env: { ...process.env, ...repo.env, NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const closed = new Promise((resolve) => child.on("close", resolve));
    await new Promise<void>((resolve) => {
      const lines = createInterface({ input: child.stdout });
      lines.on("line", (line) => {
        if (line.includes('"to":"PLANNING"')) resolve();
      });
    });
    const running = await runCli(["status", "--json"], repo.root, repo.env);
    expect(Rows.parse(JSON.parse(running.stdout))).toEqual([
      { id: TASK, state: "PLANNING", activity: "running" },
    ]);
    const refused = await runCli(["abort", TASK], repo.root, repo.env);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain(
      `press Ctrl-C in the terminal where it runs (or kill -INT ${child.pid ?? ""}`,
    );

    child.kill("SIGKILL");
    await closed;
    const table = await runCli(["status"], repo.root, repo.env);
    expect(table.stdout).toContain(
      `interrupted: no process runs it; continue with: orchestrator resume ${TASK}`,
    );
    const after = await runCli(["status", "--json"], repo.root, repo.env);
    expect(Rows.parse(JSON.parse(after.stdout))[0]?.activity).toBe("interrupted");

    const aborted = await runCli(["abort", TASK], repo.root, repo.env);
    expect(aborted.code, aborted.stderr).toBe(0);
    expect(existsSync(taskWorktreePath(repo.root, TASK))).toBe(false);
    expect(await repo.sh("branch", "--list", `orchestrator/${TASK}`)).toContain(TASK);
  });
});
