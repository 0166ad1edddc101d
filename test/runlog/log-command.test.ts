import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { answer, happyScript, reviewCode } from "../support/script-builder.js";
import { runCli } from "../support/cli.js";
import { writeScriptedProject } from "../support/scripted-project.js";
import { createTempRepo } from "../workspace/temp-repo.js";
import type { TempRepo } from "../workspace/temp-repo.js";

let repo: TempRepo | undefined;
afterEach(async () => {
  await repo?.cleanup();
  repo = undefined;
});

/** A two-step task whose first step is sent back once by the code reviewer. */
async function project(): Promise<TempRepo> {
  repo = await createTempRepo();
  await writeScriptedProject(repo.root, {
    taskId: "T-1",
    script: happyScript(
      "T-1",
      [
        { id: "S1", description: "Add a file", files: { "one.txt": "1\n" } },
        { id: "S2", description: "Add another file", files: { "two.txt": "2\n" } },
      ],
      [
        answer({
          role: "code_reviewer",
          step: "S1",
          attempt: 1,
          text: reviewCode("needs_changes", ["Name the file better"]),
        }),
      ],
    ),
  });
  await repo.commitAll("orchestrator config");
  return repo;
}

const RunLine = z.object({ run: z.string() });

describe("orchestrator log", () => {
  it("prints a task's and a run's Markdown log, and writes it to a file", async () => {
    const r = await project();
    const run = await runCli(["run", "--task", "T-1", "--json"], r.root, r.env);
    expect(run.code).toBe(0);
    const firstLine = run.stdout.split("\n")[0] ?? "";
    const runId = RunLine.parse(JSON.parse(firstLine)).run;

    const byTask = await runCli(["log", "T-1"], r.root, r.env);
    expect(byTask.stderr).toBe("");
    expect(byTask.code).toBe(0);
    expect(byTask.stdout).toContain("# Orchestrator run log: task T-1");
    expect(byTask.stdout).toContain("- **Outcome:** **DONE**");
    expect(byTask.stdout).toContain("    - Required: Name the file better");
    expect(byTask.stdout).toMatch(
      /Quality gate MEDIUM \(final step[^\n]*\): \*\*passed\*\* — test passed in/,
    );
    const shas = (await r.sh("log", "--format=%h", "--abbrev=10", "main..orchestrator/T-1"))
      .split("\n")
      .filter((s) => s !== "");
    expect(shas).toHaveLength(2);
    for (const sha of shas) expect(byTask.stdout).toContain(`- **Committed** \`${sha}\``);

    const byRun = await runCli(["log", runId], r.root, r.env);
    expect(byRun.code).toBe(0);
    expect(byRun.stdout).toContain(`# Orchestrator run log: run ${runId} (run --task T-1`);
    expect(byRun.stdout).toContain("## T-1 — Add three small files");
    const byPrefix = await runCli(["log", runId.slice(0, 8)], r.root, r.env);
    expect(byPrefix.stdout).toBe(byRun.stdout);

    const out = await runCli(["log", "T-1", "--out", "logs/RUN_LOG.md"], r.root, r.env);
    expect(out.code).toBe(0);
    expect(await readFile(join(r.root, "logs/RUN_LOG.md"), "utf8")).toBe(byTask.stdout);
  });

  it("refuses an unknown id and a repository that never ran, with exit code 2", async () => {
    const r = await project();
    const before = await runCli(["log", "T-1"], r.root, r.env);
    expect(before.code).toBe(2);
    expect(before.stderr).toMatch(/no orchestrator state/);

    await runCli(["run", "--task", "T-1"], r.root, r.env);
    const unknown = await runCli(["log", "NOPE-9"], r.root, r.env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown task or run "NOPE-9" \(tasks: T-1; latest run: /);
    expect(unknown.stdout).toBe("");
  });
});
