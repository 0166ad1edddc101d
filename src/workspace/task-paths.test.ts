import { describe, expect, it } from "vitest";
import { UserError } from "../core/errors.js";
import {
  assertValidTaskId,
  taskBranchName,
  taskIdOfBranch,
  taskWorktreePath,
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
    expect(taskWorktreePath("/repo", "T-1")).toBe("/repo/.orchestrator/worktrees/T-1");
  });

  it("reads the task id back from a branch name, full or short", () => {
    expect(taskIdOfBranch("refs/heads/orchestrator/T-1")).toBe("T-1");
    expect(taskIdOfBranch("orchestrator/T-1")).toBe("T-1");
    expect(taskIdOfBranch("refs/heads/main")).toBeUndefined();
  });
});
