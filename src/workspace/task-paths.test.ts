import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UserError } from "../core/errors.js";
import {
  assertValidTaskId,
  taskBranchName,
  taskIdOfBranch,
  taskWorktreePath,
  userStateDir,
  worktreesDirOf,
} from "./task-paths.js";

describe("assertValidTaskId", () => {
  it.each(["TASK-1", "t1", "fix_login.2", "A", "x".repeat(100)])("accepts %j", (id) => {
    expect(() => {
      assertValidTaskId(id);
    }).not.toThrow();
  });

  it.each([
    "",
    "..",
    "a..b",
    "../etc",
    "a/b",
    "a\\b",
    ".hidden",
    "-rf",
    "ends.",
    "x.lock",
    "has space",
    "tab\t",
    "star*",
    "at@{1}",
    "colon:x",
    "ü",
    "x".repeat(101),
  ])("rejects %j with a UserError", (id) => {
    expect(() => {
      assertValidTaskId(id);
    }).toThrow(UserError);
  });
});

describe("task names", () => {
  it("derives the branch and the worktree path from the task id", () => {
    expect(taskBranchName("T-1")).toBe("orchestrator/T-1");
    expect(taskWorktreePath("/repo", "T-1")).toBe(join(worktreesDirOf("/repo"), "T-1"));
  });

  it("puts worktrees outside the repository, under the user's state directory", () => {
    const home = "/home/u";
    const xdg = { XDG_STATE_HOME: "/state" };
    const dir = worktreesDirOf("/src/app", undefined, xdg, home);
    expect(dir).toMatch(/^\/state\/cross-review-orchestrator\/worktrees\/app-[0-9a-f]{10}$/);
    // Without XDG_STATE_HOME (or with a relative one, which the spec says to ignore).
    expect(worktreesDirOf("/src/app", undefined, {}, home)).toMatch(
      /^\/home\/u\/\.local\/state\/cross-review-orchestrator\/worktrees\/app-/,
    );
    expect(worktreesDirOf("/src/app", undefined, { XDG_STATE_HOME: "rel" }, home)).toMatch(
      /^\/home\/u\/\.local\/state\//,
    );
    // Two repositories of the same name get folders of their own.
    expect(worktreesDirOf("/other/app", undefined, xdg, home)).not.toBe(dir);
    expect(userStateDir(xdg, home)).toBe("/state/cross-review-orchestrator");
  });

  it("honours worktrees_dir: ~/ expanded, relative to the repository", () => {
    expect(worktreesDirOf("/src/app", "~/wt", {}, "/home/u")).toBe("/home/u/wt");
    expect(worktreesDirOf("/src/app", ".orchestrator/worktrees", {}, "/home/u")).toBe(
      "/src/app/.orchestrator/worktrees",
    );
    expect(worktreesDirOf("/src/app", "/abs/wt", {}, "/home/u")).toBe("/abs/wt");
  });

  it("reads the task id back from a branch name, full or short", () => {
    expect(taskIdOfBranch("refs/heads/orchestrator/T-1")).toBe("T-1");
    expect(taskIdOfBranch("orchestrator/T-1")).toBe("T-1");
    expect(taskIdOfBranch("refs/heads/main")).toBeUndefined();
  });
});
