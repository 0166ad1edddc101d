import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { openSqliteStore } from "../../src/store/index.js";
import { runCli } from "../support/cli.js";
import { githubProject } from "./github-project.js";
import type { GithubProject } from "./github-project.js";

let p: GithubProject;
beforeAll(async () => {
  p = await githubProject();
}, 60_000);
afterAll(async () => {
  await p.cleanup();
});

const tasksYaml = async () =>
  parse(await readFile(join(p.repo.root, ".orchestrator", "tasks.yaml"), "utf8")) as {
    tasks: Record<string, unknown>[];
  };

describe("GitHub in and out", { timeout: 180_000 }, () => {
  it("imports the labelled issues as tasks, and importing again changes nothing", async () => {
    const first = await runCli(["import", "github", "--repo", "acme/widgets"], p.repo.root, p.env);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(first.stdout).toContain("3 added");
    const { tasks } = await tasksYaml();
    expect(tasks.map((t) => t.id).sort()).toEqual(["GH-1", "GH-2", "GH-3"]);
    expect(tasks.find((t) => t.id === "GH-1")).toMatchObject({
      goal: "Add the greeting file\n\nWrite `greeting.txt`; keep README.md as it is.",
      risk: "low",
      area: "docs",
      context_files: ["README.md"],
    });
    expect(tasks.find((t) => t.id === "GH-2")).toMatchObject({ depends_on: ["GH-1"], priority: 2 });
    expect(tasks.find((t) => t.id === "GH-3")).toMatchObject({ risk: "high", area: "core" });
    // Three pages of two issues each were read (pull requests among them are skipped).
    expect(
      p.gh.requests.filter((r) => r.startsWith("GET /repos/acme/widgets/issues?")).length,
    ).toBeGreaterThan(1);

    const again = await runCli(
      ["import", "github", "--repo", "acme/widgets", "--json"],
      p.repo.root,
      p.env,
    );
    expect(JSON.parse(again.stdout)).toMatchObject({
      added: [],
      updated: [],
      unchanged: ["GH-1", "GH-2", "GH-3"],
    });
    expect((await runCli(["validate"], p.repo.root, p.env)).code).toBe(0);
  });

  it("runs the tasks: DONE ones are pushed with a PR each, the escalated one comments on its issue", async () => {
    const run = await runCli(["run", "--batch"], p.repo.root, p.env);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/GH-1: DONE/);
    expect(run.stdout).toMatch(/GH-2: DONE/);
    expect(run.stdout).toMatch(/GH-3: AWAITING_HUMAN_REVIEW/);

    const remote = await p.repo.sh("ls-remote", "--heads", "origin");
    expect(remote).toContain("refs/heads/orchestrator/GH-1");
    expect(remote).toContain("refs/heads/orchestrator/GH-2");
    expect(remote).not.toContain("orchestrator/GH-3");
    expect(await p.repo.sh("rev-parse", "orchestrator/GH-1")).toBe(
      (await p.repo.sh("ls-remote", "origin", "refs/heads/orchestrator/GH-1")).split(/\s/)[0],
    );

    expect(p.gh.pulls.map((x) => x.head).sort()).toEqual([
      "orchestrator/GH-1",
      "orchestrator/GH-2",
    ]);
    const pr1 = p.gh.pulls.find((x) => x.head === "orchestrator/GH-1");
    expect(pr1).toMatchObject({
      base: "main",
      draft: false,
      labels: ["automated"],
      reviewers: ["lead"],
    });
    expect(pr1?.title).toBe("GH-1: Add the greeting file");
    expect(pr1?.body).toContain("Closes #1");
    expect(pr1?.body).toMatch(/claude_sonnet \(anthropic\)/);
    expect(pr1?.body).toMatch(/gemini_pro \(google\): approved/);
    expect(pr1?.body).toMatch(/passed at \w+: no-bad-value ✅/);
    expect(pr1?.body).toMatch(/\*\*Cost\*\* \$\d/);
    // The secondary rate limit on the first PR was waited out and the PR created once.
    expect(p.gh.requests.filter((r) => r === "POST /repos/acme/widgets/pulls").length).toBe(3);

    const comment = p.gh.comments.find((c) => c.issue === 3 && c.user === "orchestrator-bot");
    expect(comment?.body).toContain("GH-3 is waiting for a human");
    expect(comment?.body).toContain("gate_failed");
    expect(comment?.body).toContain("/orchestrator retry <feedback>");
  });

  it("refuses a reader's command once, and a maintainer's retry resumes the task with the feedback", async () => {
    p.gh.comment(3, "reader", "/orchestrator retry do it my way");
    const refused = await runCli(["github", "sync"], p.repo.root, p.env);
    expect(refused.stderr).toBe("");
    expect(refused.stdout).toContain("0 applied, 1 refused");
    const replies = () =>
      p.gh.comments.filter((c) => c.user === "orchestrator-bot" && c.body.includes("@reader"));
    expect(replies()).toHaveLength(1);
    expect(JSON.parse((await runCli(["status", "--json"], p.repo.root, p.env)).stdout)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: "GH-3", state: "AWAITING_HUMAN_REVIEW" }),
      ]),
    );

    p.gh.comment(3, "maintainer", "/orchestrator retry Write good instead of bad");
    const accepted = await runCli(["github", "sync"], p.repo.root, p.env);
    expect(accepted.stdout).toContain("1 applied, 0 refused");
    expect(accepted.stdout).toMatch(/GH-3: DONE/);
    expect(replies()).toHaveLength(1);

    const store = await openSqliteStore(join(p.repo.root, ".orchestrator", "state.db"));
    try {
      const events = await store.events("GH-3");
      const call = events.find(
        (e) =>
          e.body.type === "model.call" && e.body.role === "implementer" && e.body.attempt === 4,
      );
      expect(call?.body.type === "model.call" ? call.body.prompt : "").toContain(
        "Write good instead of bad",
      );
      expect(
        events.some(
          (e) =>
            e.body.type === "github" &&
            e.body.action === "command_accepted" &&
            e.body.user === "maintainer",
        ),
      ).toBe(true);
    } finally {
      await store.close();
    }
    const pr3 = p.gh.pulls.find((x) => x.head === "orchestrator/GH-3");
    expect(pr3?.draft).toBe(true);
    expect(pr3?.body).toContain("Closes #3");
    expect(await p.repo.sh("ls-remote", "--heads", "origin")).toContain("orchestrator/GH-3");
    // Nothing is published twice.
    const again = await runCli(["github", "sync"], p.repo.root, p.env);
    expect(again.stdout).toContain("0 applied, 0 refused");
    expect(p.gh.pulls).toHaveLength(3);
  });

  it("a closed issue aborts its task when it has not started", async () => {
    const issue = p.gh.addIssue({ title: "Later", body: "", labels: ["orchestrator"] });
    await runCli(["import", "github", "--repo", "acme/widgets"], p.repo.root, p.env);
    issue.state = "closed";
    const result = await runCli(["import", "github", "--repo", "acme/widgets"], p.repo.root, p.env);
    expect(result.stdout).toContain(`aborted (issue closed): GH-${issue.number}`);
    const status = JSON.parse((await runCli(["status", "--json"], p.repo.root, p.env)).stdout) as {
      id: string;
      state: string;
    }[];
    expect(status.find((s) => s.id === `GH-${issue.number}`)?.state).toBe("ABORTED");
    expect(status.find((s) => s.id === "GH-1")?.state).toBe("DONE");
  });
});
