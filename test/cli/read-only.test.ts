import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { happyScript } from "../support/script-builder.js";
import { runCli } from "../support/cli.js";
import { writeScriptedProject } from "../support/scripted-project.js";
import { createTempRepo, type TempRepo } from "../workspace/temp-repo.js";

const TASK = "RO-1";
const repos: TempRepo[] = [];
afterAll(async () => {
  await Promise.all(repos.map((r) => r.cleanup()));
});

async function project(): Promise<TempRepo> {
  const repo = await createTempRepo();
  repos.push(repo);
  const script = happyScript(TASK, [
    { id: "S1", description: "Add a file", files: { "out/a.txt": "a\n" } },
  ]);
  await writeScriptedProject(repo.root, { taskId: TASK, script });
  await repo.commitAll("orchestrator config");
  return repo;
}

/** Every path under `dir`, relative to it. */
async function tree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  return entries.map(String).sort();
}

const READ_ONLY: string[][] = [
  ["status"],
  ["status", "--json"],
  ["log", TASK],
  ["report"],
  ["report", "--json"],
  ["export", TASK],
  ["estimate"],
  ["estimate", "--task", TASK, "--json"],
  ["review"],
  ["review", "--json"],
];

describe("commands that only read create nothing", () => {
  it.each(READ_ONLY.map((args) => [args.join(" "), args]))(
    "`%s` in a repository without state leaves .orchestrator/ as it was",
    async (_name, args) => {
      const repo = await project();
      const dir = join(repo.root, ".orchestrator");
      const before = await tree(dir);
      await runCli(args, repo.root, repo.env);
      expect(await tree(dir)).toEqual(before);
      expect(before).not.toContain("state.db");
    },
    30_000,
  );
});

describe("private run state", () => {
  it("creates state.db, the run folders and the log file readable by the owner only", async () => {
    const repo = await project();
    const logFile = join(repo.root, ".orchestrator", "logs", "orchestrator.log");
    const run = await runCli(["run", "--task", TASK], repo.root, {
      ...repo.env,
      ORCHESTRATOR_LOG_FILE: logFile,
    });
    expect(run.code).toBe(0);
    const mode = async (path: string): Promise<string> =>
      ((await stat(path)).mode & 0o777).toString(8);
    const dir = join(repo.root, ".orchestrator");
    expect(await mode(join(dir, "state.db"))).toBe("600");
    expect(await mode(logFile)).toBe("600");
    const runs = join(dir, "runs");
    const paths = await tree(runs);
    // The run's and the task's folders (transcripts: src/engine/transcripts.test.ts).
    const folders = paths.filter((p) => p.split("/").length <= 2);
    expect(folders.length).toBeGreaterThan(0);
    for (const p of folders) expect(`${p}: ${await mode(join(runs, p))}`).toBe(`${p}: 700`);
    expect(await mode(runs)).toBe("700");
  }, 60_000);
});
