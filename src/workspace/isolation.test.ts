import { readdir, readFile, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createTempRepo, type TempRepo } from "../../test/workspace/temp-repo.js";
import { createTaskWorktree, removeTaskWorktree } from "./task-worktree.js";
import { Worktree } from "./worktree.js";

/** Everything of the user's repository that a task must never change. */
interface Snapshot {
  readonly files: Record<string, string>;
  readonly index: string;
  readonly head: string;
  readonly config: string;
  readonly refs: string;
  readonly stash: string;
  readonly branch: string;
}

/** Working-tree files outside `.git` and `.orchestrator`, contents in base64 (byte for byte). */
async function workingTreeFiles(root: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const path = relative(root, join(entry.parentPath, entry.name));
    if (path.startsWith(".git/") || path.startsWith(".orchestrator/")) continue;
    files[path] = (await readFile(join(root, path))).toString("base64");
  }
  return files;
}

async function snapshot(repo: TempRepo): Promise<Snapshot> {
  const refs = await repo.sh("for-each-ref", "--format=%(objectname) %(refname)");
  return {
    files: await workingTreeFiles(repo.root),
    index: (await readFile(join(repo.root, ".git/index"))).toString("base64"),
    head: await readFile(join(repo.root, ".git/HEAD"), "utf8"),
    config: await readFile(join(repo.root, ".git/config"), "utf8"),
    refs: refs
      .split("\n")
      .filter((line) => !line.includes(" refs/heads/orchestrator/"))
      .join("\n"),
    stash: await repo.sh("stash", "list", "--format=%H %gs"),
    branch: await repo.sh("symbolic-ref", "HEAD"),
  };
}

let repo: TempRepo;

beforeEach(async () => {
  repo = await createTempRepo();
});

afterEach(async () => {
  vi.unstubAllEnvs();
  await repo.cleanup();
});

describe("isolation from the user's repository", () => {
  it("leaves a dirty working tree, its index, refs, stash and branch exactly as they were", async () => {
    // Another branch, a stash entry, then a modified tracked file, a staged change and an
    // untracked file.
    await repo.sh("branch", "feature/other");
    await repo.write("src/app.txt", "stashed edit\n");
    await repo.sh("stash", "push", "--quiet", "-m", "user stash");
    await repo.write("src/app.txt", "line 1\nuser's unsaved edit\n");
    await repo.write("staged.txt", "staged content\n");
    await repo.sh("add", "staged.txt");
    await repo.write("notes/untracked.md", "scratch\n");
    const before = await snapshot(repo);
    expect(before.stash).toContain("user stash");

    const options = { repoRoot: repo.root, taskId: "ISO-1", env: repo.env };
    const task = await createTaskWorktree(repo.runner, options);
    const wt = new Worktree(repo.runner, task.path, { env: repo.env, baseSha: task.baseSha });
    await writeFile(join(task.path, "src/app.txt"), "task edit\n");
    await writeFile(join(task.path, "task-file.txt"), "from the task\n");
    await wt.commitStep({
      taskId: "ISO-1",
      stepId: "S1",
      subject: "feat(ISO-1): S1",
      trailers: {},
    });
    await writeFile(join(task.path, "README.md"), "# changed by the task\n");
    await wt.commitStep({
      taskId: "ISO-1",
      stepId: "S2",
      subject: "feat(ISO-1): S2",
      trailers: {},
    });
    await writeFile(join(task.path, "leftover.txt"), "uncommitted\n");
    const change = await wt.diff();
    expect(change.files).toEqual(["leftover.txt"]);
    await wt.discardChanges();
    expect((await wt.listStepCommits()).map((c) => c.stepId)).toEqual(["S1", "S2"]);

    // While the task runs, the user's repository is unchanged too.
    expect(await snapshot(repo)).toEqual(before);

    await removeTaskWorktree(repo.runner, options);
    expect(await snapshot(repo)).toEqual(before);
    expect(await repo.sh("for-each-ref", "refs/heads/orchestrator/")).toBe("");
  });

  it("ignores GIT_DIR and GIT_INDEX_FILE inherited from a git hook that started it", async () => {
    await repo.write("src/app.txt", "dirty\n");
    await repo.sh("add", "src/app.txt");
    const before = await snapshot(repo);
    vi.stubEnv("GIT_DIR", join(repo.root, ".git"));
    vi.stubEnv("GIT_WORK_TREE", repo.root);
    vi.stubEnv("GIT_INDEX_FILE", join(repo.root, ".git/index"));
    const options = { repoRoot: repo.root, taskId: "ISO-2", env: repo.env };
    const task = await createTaskWorktree(repo.runner, options);
    const wt = new Worktree(repo.runner, task.path, { env: repo.env });
    await writeFile(join(task.path, "new.txt"), "task\n");
    await wt.commitStep({
      taskId: "ISO-2",
      stepId: "S1",
      subject: "feat(ISO-2): S1",
      trailers: {},
    });
    expect(await wt.findStepCommit("ISO-2", "S1")).toBe(await wt.headSha());
    await removeTaskWorktree(repo.runner, options);
    vi.unstubAllEnvs();
    expect(await snapshot(repo)).toEqual(before);
  });
});
