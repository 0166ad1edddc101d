import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { snapshot } from "../../test/workspace/snapshot.js";
import { createTempRepo, type TempRepo } from "../../test/workspace/temp-repo.js";
import { createTaskWorktree, removeTaskWorktree } from "./task-worktree.js";
import { Worktree } from "./worktree.js";

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
