import { describe, expect, it } from "vitest";
import {
  DEFAULT_TASK_LABELS,
  dependencyNumbers,
  issueOfTask,
  mentionedPaths,
  taskFromIssue,
} from "./issue-task.js";
import type { GithubIssue } from "./issue-task.js";

const issue = (over: Partial<GithubIssue>): GithubIssue => ({
  number: 7,
  title: "Add cosine similarity",
  body: "",
  labels: [],
  state: "open",
  updatedAt: "2026-01-01T00:00:00Z",
  ...over,
});

const mapping = (known: number[], files: string[] = []) => ({
  labels: DEFAULT_TASK_LABELS,
  known: new Set(known),
  exists: (p: string) => files.includes(p),
});

describe("issues become tasks", () => {
  it("maps labels to risk, area and priority, with documented defaults", () => {
    const t = taskFromIssue(
      issue({ labels: ["orchestrator", "risk:high", "area:math", "priority:5"] }),
      mapping([]),
    );
    expect(t).toMatchObject({ id: "GH-7", risk: "high", area: "math", priority: 5 });
    expect(taskFromIssue(issue({ labels: ["P0"] }), mapping([]))).toMatchObject({
      risk: "medium",
      area: "core",
      priority: 3,
    });
    expect(taskFromIssue(issue({ labels: ["risk:extreme"] }), mapping([])).risk).toBe("medium");
  });

  it("takes the goal from title and body", () => {
    const t = taskFromIssue(issue({ body: "Use f64.\n" }), mapping([]));
    expect(t.goal).toBe("Add cosine similarity\n\nUse f64.");
    expect(taskFromIssue(issue({}), mapping([])).goal).toBe("Add cosine similarity");
  });

  it("reads dependencies from prose and task lists, keeping only known issues", () => {
    const body = "Depends on #3 and #4.\nBlocked by #9\n\n- [ ] #5\n- [x] #6 done\nSee #8.";
    expect(dependencyNumbers(body).sort()).toEqual([3, 4, 5, 6, 9]);
    const t = taskFromIssue(issue({ body }), mapping([3, 5, 8]));
    expect(t.depends_on).toEqual(["GH-3", "GH-5"]);
  });

  it("turns mentioned paths that exist into context files", () => {
    const body = "Touch `src/vec.ts` and docs/math.md (see https://x.io/a.html, v1.2.3, e.g.).";
    expect(mentionedPaths(body)).toEqual(expect.arrayContaining(["src/vec.ts", "docs/math.md"]));
    expect(mentionedPaths(body)).not.toContain("1.2.3");
    const t = taskFromIssue(issue({ body }), mapping([], ["src/vec.ts"]));
    expect(t.context_files).toEqual(["src/vec.ts"]);
  });

  it("knows which tasks came from issues", () => {
    expect(issueOfTask("GH-12")).toBe(12);
    expect(issueOfTask("T-12")).toBeUndefined();
  });
});
