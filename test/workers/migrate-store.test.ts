import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { happyScript } from "../support/script-builder.js";
import { writeScriptedProject } from "../support/scripted-project.js";
import { TempDatabases } from "../store/temp-pg.js";
import { createTempRepo } from "../workspace/temp-repo.js";
import type { TempRepo } from "../workspace/temp-repo.js";

const dbs = new TempDatabases();
const repos: TempRepo[] = [];
afterAll(async () => {
  await Promise.all(repos.map((r) => r.cleanup()));
  await dbs.dropAll();
});

describe("orchestrator migrate-store", () => {
  it("copies SQLite state into PostgreSQL, where status and export read the same", async () => {
    const repo = await createTempRepo();
    repos.push(repo);
    const steps = [{ id: "S1", description: "Add a file", files: { "a.txt": "a\n" } }];
    await writeScriptedProject(repo.root, { taskId: "M-1", script: happyScript("M-1", steps) });
    await repo.commitAll("orchestrator config");
    const ran = await runCli(["run", "--task", "M-1"], repo.root, repo.env);
    expect(ran.code).toBe(0);
    const before = await runCli(["export", "M-1"], repo.root, repo.env);

    const db = await dbs.create();
    const withPassword = db.url.replace("postgres@", "postgres:not-needed@");
    const migrated = await runCli(["migrate-store", "--to", withPassword], repo.root, repo.env);
    expect(migrated.stderr).toBe("");
    expect(migrated.code).toBe(0);
    expect(migrated.stdout).toMatch(/copied 1 task\(s\), 1 run\(s\) and \d+ event\(s\)/);
    expect(migrated.stdout).toContain("projections of all 1 task(s) match");
    expect(migrated.stdout).toContain("postgres:***@");
    expect(migrated.stdout).not.toContain("not-needed");

    const shared = { ...repo.env, ORCHESTRATOR_DATABASE_URL: db.url };
    const after = await runCli(["export", "M-1"], repo.root, shared);
    expect(after.code).toBe(0);
    expect(JSON.parse(after.stdout)).toEqual(JSON.parse(before.stdout));

    // A second copy into the same database is refused, and changes nothing.
    const again = await runCli(["migrate-store", "--to", db.url], repo.root, repo.env);
    expect(again.code).toBe(3);
    expect(again.stderr).toContain("already holds state");
    const bad = await runCli(["migrate-store", "--to", "mysql://x"], repo.root, repo.env);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe(
      'orchestrator: --to: expected a URL like postgres://user@host:5432/database, found "mysql://x"',
    );
  }, 120_000);
});
