import { existsSync } from "node:fs";
import { readFile, rm, writeFile, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTempRepo, type TempRepo } from "../../test/workspace/temp-repo.js";
import { UserError } from "../core/errors.js";
import { ORCHESTRATOR_GITIGNORE } from "./orchestrator-gitignore.js";
import { createTaskWorktree, removeTaskWorktree } from "./task-worktree.js";
import { taskWorktreePath } from "./task-paths.js";
import { Worktree } from "./worktree.js";

let repo: TempRepo;

beforeEach(async () => {
  repo = await createTempRepo();
});

afterEach(async () => {
  await repo.cleanup();
});

const create = (taskId: string, base?: string) =>
  createTaskWorktree(repo.runner, {
    repoRoot: repo.root,
    taskId,
    env: repo.env,
    ...(base === undefined ? {} : { base }),
  });

const remove = (taskId: string) =>
  removeTaskWorktree(repo.runner, { repoRoot: repo.root, taskId, env: repo.env });

const open = (path: string) => new Worktree(repo.runner, path, { env: repo.env });

async function commitStep(path: string, stepId: string, file: string): Promise<string> {
  await writeFile(join(path, file), `${stepId}\n`);
  return open(path).commitStep({
    taskId: "T-1",
    stepId,
    subject: `feat(T-1): ${stepId}`,
    trailers: {},
  });
}

describe("createTaskWorktree", () => {
  it("creates a worktree on a new branch at the HEAD commit", async () => {
    const head = await repo.sh("rev-parse", "HEAD");
    const wt = await create("T-1");
    expect(wt).toEqual({
      path: taskWorktreePath(repo.root, "T-1"),
      branch: "orchestrator/T-1",
      baseSha: head,
      origin: "created",
      dependencies: [],
      pendingMerges: [],
    });
    expect(await repo.sh("rev-parse", "refs/heads/orchestrator/T-1")).toBe(head);
    expect(await readFile(join(wt.path, "src/app.txt"), "utf8")).toBe("line 1\nline 2\n");
    expect(await open(wt.path).headSha()).toBe(head);
  });

  it("starts clean at the base: none of the user's uncommitted changes come along", async () => {
    await repo.write("src/app.txt", "user edit\n");
    await repo.write("untracked.txt", "mine\n");
    await repo.write("staged.txt", "staged\n");
    await repo.sh("add", "staged.txt");
    const wt = await create("T-1");
    expect(await readFile(join(wt.path, "src/app.txt"), "utf8")).toBe("line 1\nline 2\n");
    expect(existsSync(join(wt.path, "untracked.txt"))).toBe(false);
    expect(existsSync(join(wt.path, "staged.txt"))).toBe(false);
    expect(await open(wt.path).status()).toBe("");
  });

  it("reuses the worktree and its recorded base on resume, even when HEAD moved", async () => {
    const first = await create("T-1");
    await commitStep(first.path, "S1", "one.txt");
    await repo.write("later.txt", "x\n");
    await repo.commitAll("user moves on");
    const again = await create("T-1");
    expect(again).toEqual({ ...first, origin: "reused" });
    expect(existsSync(join(first.path, "one.txt"))).toBe(true);
  });

  it("ignores a different base on resume: the recorded one wins", async () => {
    const first = await create("T-1");
    await repo.write("later.txt", "x\n");
    const moved = await repo.commitAll("user moves on");
    const again = await create("T-1", moved);
    expect(again.baseSha).toBe(first.baseSha);
  });

  it("re-adds the worktree for the existing branch when its folder was deleted", async () => {
    const first = await create("T-1");
    const step = await commitStep(first.path, "S1", "one.txt");
    await repo.commitAll("user commit after the task started");
    await rm(first.path, { recursive: true, force: true });
    const again = await create("T-1");
    expect(again).toEqual({ ...first, origin: "re-added" });
    expect(await open(again.path).headSha()).toBe(step);
    expect(await open(again.path).findStepCommit("T-1", "S1")).toBe(step);
  });

  it("re-adds after the registration was pruned too", async () => {
    const first = await create("T-1");
    await rm(first.path, { recursive: true, force: true });
    await repo.sh("worktree", "prune");
    const again = await create("T-1");
    expect(again).toEqual({ ...first, origin: "re-added" });
  });

  it("recovers the base from the task's own commits when the branch has no reflog", async () => {
    const first = await create("T-1");
    await commitStep(first.path, "S1", "one.txt");
    await commitStep(first.path, "S2", "two.txt");
    await repo.commitAll("user commit after the task started");
    await rm(first.path, { recursive: true, force: true });
    await rm(join(repo.root, ".git/logs/refs/heads/orchestrator/T-1"));
    const again = await create("T-1");
    expect(again.baseSha).toBe(first.baseSha);
    const steps = await new Worktree(repo.runner, again.path, { env: repo.env }).listStepCommits();
    expect(steps.map((s) => s.stepId)).toEqual(["S1", "S2"]);
  });

  it("starts from the given base ref, resolved to a SHA", async () => {
    const initial = await repo.sh("rev-parse", "HEAD");
    await repo.sh("branch", "release");
    await repo.write("src/app.txt", "newer\n");
    await repo.commitAll("newer");
    const wt = await create("T-1", "release");
    expect(wt.baseSha).toBe(initial);
    expect(await readFile(join(wt.path, "src/app.txt"), "utf8")).toBe("line 1\nline 2\n");
    const byRelative = await create("T-2", "HEAD~1");
    expect(byRelative.baseSha).toBe(initial);
  });

  it("rejects an unknown base, an option-like base and a directory outside a repository", async () => {
    await expect(create("T-1", "no-such-branch")).rejects.toThrow(UserError);
    await expect(create("T-1", "--all")).rejects.toThrow(UserError);
    expect(existsSync(taskWorktreePath(repo.root, "T-1"))).toBe(false);
    const outside = join(repo.root, "..");
    await expect(
      createTaskWorktree(repo.runner, { repoRoot: outside, taskId: "T-1", env: repo.env }),
    ).rejects.toThrow(/not inside a git repository/);
  });

  it.each(["../escape", "a/b", "..", "bad id", "-x"])(
    "rejects task id %j before touching anything",
    async (taskId) => {
      await expect(create(taskId)).rejects.toThrow(UserError);
      await expect(remove(taskId)).rejects.toThrow(UserError);
      expect(existsSync(join(repo.root, ".orchestrator"))).toBe(false);
      expect(await repo.sh("for-each-ref", "--format=%(refname)", "refs/heads/")).toBe(
        "refs/heads/main",
      );
    },
  );

  it("puts worktrees under the main worktree when called from inside a task worktree", async () => {
    const first = await create("T-1");
    const second = await createTaskWorktree(repo.runner, {
      repoRoot: first.path,
      taskId: "T-2",
      env: repo.env,
    });
    expect(second.path).toBe(taskWorktreePath(repo.root, "T-2"));
    expect(second.path.startsWith(repo.root)).toBe(false);
  });

  it("creates .orchestrator/.gitignore when missing and never rewrites an existing one", async () => {
    await create("T-1");
    const file = join(repo.root, ".orchestrator/.gitignore");
    expect(await readFile(file, "utf8")).toBe(ORCHESTRATOR_GITIGNORE);
    expect(ORCHESTRATOR_GITIGNORE.split("\n")).toEqual(
      expect.arrayContaining(["state.db*", "worktrees/", "runs/"]),
    );
    // The user's repository does not see the worktree as untracked content.
    expect(await repo.sh("status", "--porcelain", "--untracked-files=all")).toBe(
      "?? .orchestrator/.gitignore",
    );
    await remove("T-1");
    await writeFile(file, "custom\n");
    await create("T-1");
    expect(await readFile(file, "utf8")).toBe("custom\n");
  });

  it("refuses a leftover folder that is not a worktree instead of deleting it", async () => {
    const leftover = taskWorktreePath(repo.root, "T-1");
    await mkdir(leftover, { recursive: true });
    await writeFile(join(leftover, "notes.txt"), "keep\n");
    await expect(create("T-1")).rejects.toThrow(/not a worktree of this repository/);
    expect(await readFile(join(leftover, "notes.txt"), "utf8")).toBe("keep\n");
  });
});

describe("removeTaskWorktree", () => {
  it("removes the worktree with its uncommitted changes and deletes the branch", async () => {
    const wt = await create("T-1");
    await commitStep(wt.path, "S1", "one.txt");
    await writeFile(join(wt.path, "dirty.txt"), "x\n");
    await remove("T-1");
    expect(existsSync(wt.path)).toBe(false);
    expect(await repo.sh("branch", "--list", "orchestrator/*")).toBe("");
    expect(await repo.sh("worktree", "list", "--porcelain")).not.toContain("T-1");
  });

  it("is idempotent and copes with a folder or a branch already gone", async () => {
    await remove("T-1");
    const wt = await create("T-1");
    await rm(wt.path, { recursive: true, force: true });
    await remove("T-1");
    await remove("T-1");
    expect(await repo.sh("branch", "--list", "orchestrator/*")).toBe("");
    expect(await repo.sh("worktree", "list", "--porcelain")).not.toContain("T-1");
    const again = await create("T-1");
    expect(again.origin).toBe("created");
  });

  it("leaves other tasks alone", async () => {
    await create("T-1");
    const other = await create("T-2");
    await remove("T-1");
    expect(existsSync(other.path)).toBe(true);
    expect(await repo.sh("for-each-ref", "--format=%(refname)", "refs/heads/orchestrator/")).toBe(
      "refs/heads/orchestrator/T-2",
    );
  });
});

describe("createTaskWorktree with dependency branches", () => {
  /** A DONE-like dependency: its own worktree with one commit writing `files`. */
  async function dependency(taskId: string, files: Record<string, string>): Promise<string> {
    const wt = await create(taskId);
    for (const [file, content] of Object.entries(files))
      await writeFile(join(wt.path, file), content);
    return open(wt.path).commitStep({ taskId, stepId: "S1", subject: taskId, trailers: {} });
  }

  const withDeps = (taskId: string, deps: string[]) =>
    createTaskWorktree(repo.runner, {
      repoRoot: repo.root,
      taskId,
      env: repo.env,
      dependencies: deps.map((d) => ({ taskId: d, branch: `orchestrator/${d}` })),
    });

  it("starts from the one dependency's final commit", async () => {
    const sha = await dependency("A", { "a.txt": "a\n" });
    const wt = await withDeps("B", ["A"]);
    expect(wt.baseSha).toBe(sha);
    expect(wt.dependencies).toEqual([{ taskId: "A", branch: "orchestrator/A", sha }]);
    expect(wt.pendingMerges).toEqual([]);
  });

  it("merges several in an integration commit and leaves a conflicting one pending", async () => {
    const a = await dependency("A", { "a.txt": "a\n", "src/app.txt": "A's line\n" });
    const b = await dependency("B", { "b.txt": "b\n" });
    const c = await dependency("C", { "src/app.txt": "C's line\n" });
    const wt = await withDeps("D", ["A", "B", "C"]);
    expect(await readFile(join(wt.path, "b.txt"), "utf8")).toBe("b\n");
    expect(await repo.sh("rev-list", "--parents", "-1", wt.baseSha)).toBe(
      `${wt.baseSha} ${a} ${b}`,
    );
    expect(wt.pendingMerges).toEqual([
      { taskId: "C", branch: "orchestrator/C", sha: c, conflicts: ["src/app.txt"] },
    ]);
    // Reused (a resumed run): the same pending merge, found again from the branch.
    expect((await withDeps("D", ["A", "B", "C"])).pendingMerges).toEqual(wt.pendingMerges);
  });
});
