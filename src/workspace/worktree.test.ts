import { existsSync } from "node:fs";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTempRepo, type TempRepo } from "../../test/workspace/temp-repo.js";
import { SystemError } from "../core/errors.js";
import { Git } from "./git.js";
import { createTaskWorktree, type TaskWorktree } from "./task-worktree.js";
import { Worktree } from "./worktree.js";

let repo: TempRepo;
let task: TaskWorktree;
let wt: Worktree;

async function setUp(identity = true): Promise<void> {
  repo = await createTempRepo({ identity });
  await repo.write(".gitignore", "node_modules/\n");
  await repo.commitAll("ignore node_modules");
  task = await createTaskWorktree(repo.runner, {
    repoRoot: repo.root,
    taskId: "T-1",
    env: repo.env,
  });
  wt = new Worktree(repo.runner, task.path, { env: repo.env, baseSha: task.baseSha });
}

const inWt = (path: string): string => join(task.path, path);

/** Reads a trailer of a commit the way a user would, with git itself. */
async function trailer(sha: string, key: string): Promise<string> {
  const out = await repo.sh("log", "-1", `--format=%(trailers:key=${key},valueonly)`, sha);
  return out.trim();
}

afterEach(async () => {
  await repo.cleanup();
});

describe("Worktree changes", () => {
  beforeEach(() => setUp());

  it("diffs modified, deleted and new untracked files against HEAD", async () => {
    await writeFile(inWt("src/app.txt"), "line 1\nchanged\n");
    await writeFile(inWt("brand-new.txt"), "hello\n");
    await mkdir(inWt("deep/dir"), { recursive: true });
    await writeFile(inWt("deep/dir/nested.txt"), "n\n");
    await writeFile(inWt("README.md"), "");
    const { patch, files, numstat } = await wt.diff();
    expect(files.sort()).toEqual([
      "README.md",
      "brand-new.txt",
      "deep/dir/nested.txt",
      "src/app.txt",
    ]);
    expect(patch).toContain("diff --git a/brand-new.txt b/brand-new.txt");
    expect(patch).toContain("+hello");
    expect(patch).toContain("-line 2\n+changed");
    expect(numstat).toContainEqual({ path: "src/app.txt", added: 1, removed: 1 });
    expect(numstat).toContainEqual({ path: "README.md", added: 0, removed: 1 });
    expect(numstat).toHaveLength(4);
  });

  it("returns an empty change for a clean worktree and leaves ignored files out", async () => {
    await mkdir(inWt("node_modules/pkg"), { recursive: true });
    await writeFile(inWt("node_modules/pkg/index.js"), "x");
    expect(await wt.diff()).toEqual({ patch: "", files: [], numstat: [] });
  });

  it("produces a patch that re-applies after a discard, binary files included", async () => {
    await writeFile(inWt("src/app.txt"), "rewritten\n");
    await writeFile(inWt("logo.bin"), Buffer.from([0, 1, 2, 255, 0, 10]));
    const before = await wt.diff();
    await wt.discardChanges();
    expect(await wt.status()).toBe("");
    await wt.applyPatch(before.patch);
    expect(await readFile(inWt("src/app.txt"), "utf8")).toBe("rewritten\n");
    expect([...(await readFile(inWt("logo.bin")))]).toEqual([0, 1, 2, 255, 0, 10]);
    expect((await wt.diff()).patch).toBe(before.patch);
  });

  it("discards tracked and untracked changes but keeps ignored folders", async () => {
    await writeFile(inWt("src/app.txt"), "edit\n");
    await writeFile(inWt("new.txt"), "new\n");
    await mkdir(inWt("newdir"), { recursive: true });
    await writeFile(inWt("newdir/x.txt"), "x\n");
    await mkdir(inWt("node_modules/pkg"), { recursive: true });
    await writeFile(inWt("node_modules/pkg/index.js"), "keep");
    await wt.stageAll();
    await wt.discardChanges();
    expect(await readFile(inWt("src/app.txt"), "utf8")).toBe("line 1\nline 2\n");
    expect(existsSync(inWt("new.txt"))).toBe(false);
    expect(existsSync(inWt("newdir"))).toBe(false);
    expect(await readFile(inWt("node_modules/pkg/index.js"), "utf8")).toBe("keep");
  });

  it("lists tracked and untracked files for the planner", async () => {
    await writeFile(inWt("new.txt"), "new\n");
    expect((await wt.listFiles()).sort()).toEqual([
      ".gitignore",
      "README.md",
      "new.txt",
      "src/app.txt",
    ]);
    expect(await wt.status()).toBe("?? new.txt\n");
  });
});

describe("Worktree step commits", () => {
  beforeEach(() => setUp());

  it("commits a step with its trailers as the repository's identity", async () => {
    await writeFile(inWt("feature.txt"), "f\n");
    const sha = await wt.commitStep({
      taskId: "T-1",
      stepId: "S2",
      subject: "feat(T-1): S2 implement X",
      body: "Longer description.",
      trailers: {
        "Implemented-By": "claude",
        "Reviewed-By": "gemini (approve)",
        "Quality-Gate": "passed",
      },
    });
    expect(sha).toBe(await wt.headSha());
    expect(await repo.sh("log", "-1", "--format=%s%n%an <%ae>", sha)).toBe(
      "feat(T-1): S2 implement X\nRepo Owner <owner@example.com>",
    );
    expect(await trailer(sha, "Orchestrator-Task")).toBe("T-1");
    expect(await trailer(sha, "Orchestrator-Step")).toBe("S2");
    expect(await trailer(sha, "Reviewed-By")).toBe("gemini (approve)");
    expect(await trailer(sha, "Quality-Gate")).toBe("passed");
    expect(await wt.status()).toBe("");
    expect(await repo.sh("rev-parse", "main")).toBe(task.baseSha);
  });

  it("finds a committed step, so a resumed run does not commit it twice", async () => {
    expect(await wt.findStepCommit("T-1", "S1")).toBeUndefined();
    await writeFile(inWt("a.txt"), "a\n");
    const s1 = await wt.commitStep({
      taskId: "T-1",
      stepId: "S1",
      subject: "feat(T-1): S1 a",
      trailers: {},
    });
    await writeFile(inWt("b.txt"), "b\n");
    const s2 = await wt.commitStep({
      taskId: "T-1",
      stepId: "S2",
      subject: "feat(T-1): S2 b",
      trailers: {},
    });
    expect(await wt.findStepCommit("T-1", "S1")).toBe(s1);
    expect(await wt.findStepCommit("T-1", "S2")).toBe(s2);
    expect(await wt.findStepCommit("T-1", "S3")).toBeUndefined();
    expect(await wt.findStepCommit("T-2", "S1")).toBeUndefined();
    // A fresh handle without the base reads the recorded one back.
    const reopened = new Worktree(repo.runner, task.path, { env: repo.env });
    expect(await reopened.baseSha()).toBe(task.baseSha);
    expect(await reopened.listStepCommits()).toEqual([
      { sha: s1, taskId: "T-1", stepId: "S1", subject: "feat(T-1): S1 a" },
      { sha: s2, taskId: "T-1", stepId: "S2", subject: "feat(T-1): S2 b" },
    ]);
  });

  it("does not count commits made outside the task's steps", async () => {
    await writeFile(inWt("agent.txt"), "a\n");
    await new Git(repo.runner, task.path, { env: repo.env }).run([
      "commit",
      "-qam",
      "x",
      "--allow-empty",
    ]);
    expect(await wt.listStepCommits()).toEqual([]);
  });

  it("refuses an empty commit unless allowed", async () => {
    const input = { taskId: "T-1", stepId: "S1", subject: "chore(T-1): S1 nothing", trailers: {} };
    await expect(wt.commitStep(input)).rejects.toThrow(SystemError);
    await expect(wt.commitStep(input)).rejects.toThrow(/git commit .*nothing to commit/s);
    const sha = await wt.commitStep({ ...input, allowEmpty: true });
    expect(await wt.findStepCommit("T-1", "S1")).toBe(sha);
  });

  it("runs the repository's hooks unless noVerify is set", async () => {
    const hook = join(repo.root, ".git/hooks/pre-commit");
    await writeFile(hook, "#!/bin/sh\necho 'lint failed' >&2\nexit 1\n");
    await chmod(hook, 0o755);
    await writeFile(inWt("a.txt"), "a\n");
    const input = { taskId: "T-1", stepId: "S1", subject: "feat(T-1): S1", trailers: {} };
    await expect(wt.commitStep(input)).rejects.toThrow(/lint failed/);
    const sha = await wt.commitStep({ ...input, noVerify: true });
    expect(await wt.findStepCommit("T-1", "S1")).toBe(sha);
  });
});

describe("Worktree identity fallback", () => {
  beforeEach(() => setUp(false));

  it("commits as orchestrator when git has no identity, without writing any config", async () => {
    const configBefore = await readFile(join(repo.root, ".git/config"), "utf8");
    await writeFile(inWt("a.txt"), "a\n");
    const sha = await wt.commitStep({
      taskId: "T-1",
      stepId: "S1",
      subject: "feat(T-1): S1",
      trailers: {},
    });
    expect(await repo.sh("log", "-1", "--format=%an <%ae>|%cn <%ce>", sha)).toBe(
      "orchestrator <orchestrator@localhost>|orchestrator <orchestrator@localhost>",
    );
    expect(await readFile(join(repo.root, ".git/config"), "utf8")).toBe(configBefore);
  });

  it("keeps the half of an identity the user configured and fills in the other", async () => {
    await repo.sh("config", "user.email", "");
    await repo.sh("config", "user.name", "Half Configured");
    await writeFile(inWt("a.txt"), "a\n");
    const sha = await wt.commitStep({
      taskId: "T-1",
      stepId: "S1",
      subject: "feat(T-1): S1",
      trailers: {},
    });
    expect(await repo.sh("log", "-1", "--format=%an <%ae>", sha)).toBe(
      "Half Configured <orchestrator@localhost>",
    );
  });
});
