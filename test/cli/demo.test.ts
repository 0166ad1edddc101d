import { execFile } from "node:child_process";
import { rm } from "node:fs/promises";
import { dirname } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";

const exec = promisify(execFile);
const cleanup: string[] = [];
afterAll(async () => {
  await Promise.all(cleanup.map((d) => rm(d, { recursive: true, force: true })));
});

async function git(cwd: string, ...args: string[]): Promise<string> {
  return (await exec("git", args, { cwd })).stdout.trim();
}

describe("orchestrator demo", () => {
  it("runs DEMO-1 offline to a branch of reviewed, gated commits", async () => {
    const result = await runCli(["demo"], process.cwd());
    const repo = /Demo repository: (.+)/.exec(result.stdout)?.[1]?.trim();
    if (repo) cleanup.push(dirname(repo));
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(repo).toBeDefined();
    if (!repo) return;
    // The story of the script: a review sends S1 back once, the lint check fails S2 once.
    expect(result.stdout).toMatch(/needs_changes/);
    expect(result.stdout).toMatch(/quality gate SMALL \(low-risk small change .*\): passed/);
    expect(result.stdout).toMatch(/quality gate MEDIUM \(final step[^\n]*\): failed lint:FAIL/);
    expect(result.stdout).toContain("SCRIPTED");

    const log = await git(repo, "log", "--reverse", "--format=%s", "main..orchestrator/DEMO-1");
    expect(log.split("\n")).toHaveLength(2);
    const s1 = await git(repo, "log", "-1", "--format=%B", "orchestrator/DEMO-1~1");
    expect(s1).toContain("Implemented-By: gemini_pro");
    expect(s1).toContain("Reviewed-By: claude_sonnet");
    expect(s1).toContain("Attempts: 2");
    expect(s1).toMatch(/Quality-Gate: passed/);

    // The branch holds working code: run the sample's own tests on it.
    const strings = await git(repo, "show", "orchestrator/DEMO-1:src/strings.js");
    expect(strings).toContain('normalize("NFKD")');
    const tests = await git(repo, "show", "orchestrator/DEMO-1:test/slugify.test.js");
    expect(tests).not.toContain("capitalize");

    // The sample's own tests pass on the branch.
    const check = `${dirname(repo)}/check`;
    await git(repo, "worktree", "add", "--quiet", "--detach", check, "orchestrator/DEMO-1");
    const ownTests = await exec(process.execPath, ["--test"], { cwd: check });
    expect(ownTests.stdout).toMatch(/# pass 4\b/);
    expect(ownTests.stdout).toMatch(/# fail 0\b/);

    // The user's checkout is untouched: still on main, clean, main unchanged.
    expect(await git(repo, "branch", "--show-current")).toBe("main");
    expect(await git(repo, "status", "--porcelain", "--untracked-files=all")).toBe("");
    expect(await git(repo, "rev-list", "--count", "main")).toBe("1");
  });
});
