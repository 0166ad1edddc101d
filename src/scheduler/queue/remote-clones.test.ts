import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { NodeProcessRunner } from "../../process/node-process-runner.js";
import { Git } from "../../workspace/git.js";
import { RemoteClones } from "./remote-clones.js";

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

const env = {
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_AUTHOR_NAME: "t",
  GIT_AUTHOR_EMAIL: "t@example.com",
  GIT_COMMITTER_NAME: "t",
  GIT_COMMITTER_EMAIL: "t@example.com",
};

describe("RemoteClones.prepare", () => {
  it("fetches the default branch, the task's branch and its base, not other tasks' branches", async () => {
    const dir = await mkdtemp(join(tmpdir(), "orch-clones-"));
    dirs.push(dir);
    const runner = new NodeProcessRunner();
    const git = (cwd: string) => new Git(runner, cwd, { env });
    const remote = join(dir, "remote.git");
    const seed = join(dir, "seed");
    await git(dir).run(["init", "--quiet", "--bare", "-b", "main", remote]);
    await git(dir).run(["clone", "--quiet", remote, seed]);
    const commit = async (file: string) => {
      await writeFile(join(seed, file), file);
      await git(seed).run(["add", file]);
      await git(seed).run(["commit", "--quiet", "-m", file]);
    };
    await commit("a");
    await git(seed).run(["push", "--quiet", "origin", "HEAD:main"]);

    const clones = new RemoteClones(runner, join(dir, "clones"));
    const clone = await clones.prepare(remote, { taskId: "T1" });
    await commit("b");
    for (const ref of ["main", "release", "orchestrator/T1", "orchestrator/T2"])
      await git(seed).run(["push", "--quiet", "origin", `HEAD:refs/heads/${ref}`]);

    expect(await clones.prepare(remote, { taskId: "T1", base: "release" })).toBe(clone);
    const refs = await git(clone).run(["for-each-ref", "--format=%(refname)", "refs/remotes"]);
    expect(refs.trim().split("\n").sort()).toEqual([
      "refs/remotes/origin/HEAD",
      "refs/remotes/origin/main",
      "refs/remotes/origin/orchestrator/T1",
      "refs/remotes/origin/release",
    ]);
    const head = (await git(seed).run(["rev-parse", "HEAD"])).trim();
    expect(await clones.remoteRef(clone, "main")).toBe(head);
    expect(await clones.defaultBase(clone)).toBe(head);
  });
});
