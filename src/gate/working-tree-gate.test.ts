import { afterEach, describe, expect, it } from "vitest";
import { UserError } from "../core/errors.js";
import { createTempRepo, type TempRepo } from "../../test/workspace/temp-repo.js";
import { commitOf, defaultGateBase, workingTreeGateLogDir } from "./working-tree-gate.js";

let repo: TempRepo | undefined;
afterEach(async () => {
  await repo?.cleanup();
  repo = undefined;
});

/** A repository on `main` with a feature branch two commits ahead of it. */
async function featureRepo(): Promise<{ r: TempRepo; fork: string; head: string }> {
  const r = await createTempRepo();
  repo = r;
  const fork = await r.sh("rev-parse", "HEAD");
  await r.sh("switch", "--quiet", "-c", "feature");
  await r.write("src/app.txt", "changed\n");
  await r.commitAll("feature 1");
  await r.write("src/more.txt", "more\n");
  const head = await r.commitAll("feature 2");
  return { r, fork, head };
}

describe("defaultGateBase", () => {
  it("is the merge-base of HEAD with main, where the branch forked", async () => {
    const { r, fork, head } = await featureRepo();
    // main moves on after the fork: the base stays the fork point, not main's tip.
    await r.sh("switch", "--quiet", "main");
    await r.write("src/main-only.txt", "x\n");
    await r.commitAll("main moves");
    await r.sh("switch", "--quiet", "feature");
    expect(await defaultGateBase(r.git, head)).toEqual({
      sha: fork,
      how: "merge-base of HEAD and main",
    });
  });

  it("prefers the remote's default branch (origin/HEAD) over main", async () => {
    const { r, head } = await featureRepo();
    const feature1 = await r.sh("rev-parse", "HEAD~1");
    await r.sh("update-ref", "refs/remotes/origin/trunk", feature1);
    await r.sh("symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/trunk");
    expect(await defaultGateBase(r.git, head)).toEqual({
      sha: feature1,
      how: "merge-base of HEAD and origin/trunk",
    });
  });

  it("falls back to master, then to HEAD itself", async () => {
    const { r, fork, head } = await featureRepo();
    await r.sh("branch", "--quiet", "-m", "main", "master");
    expect(await defaultGateBase(r.git, head)).toEqual({
      sha: fork,
      how: "merge-base of HEAD and master",
    });
    await r.sh("branch", "--quiet", "-D", "master");
    expect(await defaultGateBase(r.git, head)).toEqual({ sha: head, how: "HEAD" });
  });
});

describe("commitOf", () => {
  it("resolves a ref to its commit and names a bad one as the user's error", async () => {
    const { r, fork } = await featureRepo();
    expect(await commitOf(r.git, "main", "--base")).toBe(fork);
    const bad = commitOf(r.git, "no-such-branch", "--base");
    await expect(bad).rejects.toBeInstanceOf(UserError);
    await expect(bad).rejects.toThrow(/--base "no-such-branch" is not a commit/);
  });
});

describe("workingTreeGateLogDir", () => {
  it("is a timestamped folder under the cache, safe as a file name", () => {
    const dir = workingTreeGateLogDir("/repo", new Date("2026-01-02T03:04:05.678Z"));
    expect(dir).toBe("/repo/.orchestrator/cache/runs/gate-2026-01-02T03-04-05-678Z");
  });
});
