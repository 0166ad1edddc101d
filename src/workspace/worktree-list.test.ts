import { describe, expect, it } from "vitest";
import { parseWorktreeList } from "./worktree-list.js";

describe("parseWorktreeList", () => {
  it("reads main, linked, detached and prunable entries", () => {
    const text = [
      "worktree /r",
      "HEAD aaa",
      "branch refs/heads/main",
      "",
      "worktree /r/.orchestrator/worktrees/T 1",
      "HEAD bbb",
      "branch refs/heads/orchestrator/T",
      "prunable gitdir file points to non-existent location",
      "",
      "worktree /elsewhere",
      "HEAD ccc",
      "detached",
      "",
    ].join("\n");
    expect(parseWorktreeList(text)).toEqual([
      { path: "/r", head: "aaa", branch: "refs/heads/main", bare: false, prunable: false },
      {
        path: "/r/.orchestrator/worktrees/T 1",
        head: "bbb",
        branch: "refs/heads/orchestrator/T",
        bare: false,
        prunable: true,
      },
      { path: "/elsewhere", head: "ccc", branch: undefined, bare: false, prunable: false },
    ]);
  });

  it("marks a bare main repository", () => {
    expect(parseWorktreeList("worktree /r.git\nbare\n")[0]?.bare).toBe(true);
  });
});
