import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { createTempRepo } from "../workspace/temp-repo.js";
import type { TempRepo } from "../workspace/temp-repo.js";

let repo: TempRepo | undefined;
afterEach(async () => {
  await repo?.cleanup();
  repo = undefined;
});

async function repoWithTasks(yaml: string): Promise<TempRepo> {
  repo = await createTempRepo();
  await mkdir(join(repo.root, ".orchestrator"), { recursive: true });
  await writeFile(join(repo.root, ".orchestrator", "tasks.yaml"), yaml);
  return repo;
}

const BAD = `tasks:
  - id: T-1
    goal: Do a thing
    risk: hgih
    area: core
`;

describe("user mistakes in the configuration", () => {
  it.each([["validate"], ["run", "--task", "T-1"], ["run", "--batch"], ["status"]])(
    "`%s` names file, line, column and field, exits 2, no stack trace, writes nothing",
    async (...args) => {
      const r = await repoWithTasks(BAD);
      const before = await readdir(join(r.root, ".orchestrator"));
      const result = await runCli(args, r.root, r.env);
      expect(result.code).toBe(2);
      const lines = result.stderr.trim().split("\n");
      expect(lines[0]).toMatch(
        /^orchestrator: \.orchestrator\/tasks\.yaml:4:11: tasks\[0\]\.risk: .*low.*hgih/,
      );
      expect(result.stderr).not.toMatch(/\n\s+at /);
      expect(await readdir(join(r.root, ".orchestrator"))).toEqual(before);
      expect(existsSync(join(r.root, ".orchestrator", "state.db"))).toBe(false);
      expect(await r.sh("branch", "--list")).toBe("* main");
    },
  );

  it("reports every problem, one line each", async () => {
    const r = await repoWithTasks(`tasks:
  - id: A
    goal: first
    risk: low
    area: core
    depends_on: [B]
    contxt_files: [src]
  - id: A
    goal: second
    risk: low
    area: core
`);
    const result = await runCli(["validate"], r.root, r.env);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /tasks\.yaml:7:5: tasks\[0\]\.contxt_files: .*did you mean "context_files"/,
    );
    expect(result.stderr).toMatch(/tasks\.yaml:8:\d+: tasks\[1\]\.id: .*duplicate/i);
    expect(result.stderr).toMatch(/tasks\.yaml:6:\d+: tasks\[0\]\.depends_on.*B/);
  });

  it("validate --json prints the problems as data", async () => {
    const r = await repoWithTasks(BAD);
    const result = await runCli(["validate", "--json"], r.root, r.env);
    expect(result.code).toBe(2);
    const parsed: unknown = JSON.parse(result.stdout);
    expect(parsed).toMatchObject({
      ok: false,
      problems: [{ file: ".orchestrator/tasks.yaml", line: 4, column: 11, path: "tasks[0].risk" }],
    });
  });

  it("init writes starter files that validate, and refuses to overwrite them", async () => {
    repo = await createTempRepo();
    const init = await runCli(["init"], repo.root, repo.env);
    expect(init.code).toBe(0);
    for (const f of ["tasks.yaml", "model_config.yaml", "quality_rules.yaml", ".gitignore"])
      expect(init.stdout).toContain(`.orchestrator/${f}`);
    expect(await readFile(join(repo.root, ".orchestrator", "tasks.yaml"), "utf8")).toMatch(
      /^# yaml-language-server: \$schema=.*schemas\/tasks\.schema\.json\n/,
    );
    const head = await runCli(["validate"], repo.root, repo.env);
    expect(head.stderr).toBe("");
    expect(head.code).toBe(0);
    const again = await runCli(["init"], repo.root, repo.env);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/refusing to overwrite/);
  });

  it("run when the configured CLIs are not installed: the task escalates with the fix", async () => {
    repo = await createTempRepo();
    // No coding-agent CLI on PATH: init writes the seed's CLI models, which cannot start.
    const env = { ...repo.env, PATH: "/usr/bin:/bin" };
    expect((await runCli(["init"], repo.root, env)).code).toBe(0);
    // The temp repository has no toolchain, so init wrote no checks: the gate is not the point.
    const result = await runCli(["run", "--batch", "--allow-empty-gate"], repo.root, env);
    expect(result.code).toBe(1);
    const status = await runCli(["status", "--json"], repo.root, env);
    expect(status.stdout).toMatch(/AWAITING_HUMAN_REVIEW/);
    const review = await runCli(["review"], repo.root, env);
    expect(review.stdout).toMatch(/model_error/);
    expect(review.stdout).toMatch(
      /binary missing.*npm install -g @(anthropic-ai\/claude-code|google\/gemini-cli)/s,
    );
  });

  it("outside a git repository: a clear error, exit 2", async () => {
    const result = await runCli(["status"], "/");
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/git repository/i);
  });
});
