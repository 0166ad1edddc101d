import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { answer, happyScript } from "../support/script-builder.js";
import type { ScriptedStep } from "../support/script-builder.js";
import { writeScriptedProject } from "../support/scripted-project.js";
import { startFakeGithub } from "../support/fake-github.js";
import type { FakeGithub } from "../support/fake-github.js";
import { createTempRepo } from "../workspace/temp-repo.js";
import type { TempRepo } from "../workspace/temp-repo.js";

export const TOKEN = "ghs_test_token";

/** One scripted task per issue: a step that writes `file`. */
function taskScript(taskId: string, file: string, content = `${taskId}\n`) {
  const steps: ScriptedStep[] = [
    { id: "S1", description: `Write ${file}`, files: { [file]: content } },
  ];
  return happyScript(taskId, steps).answers.map((a) => ({ ...a, task: taskId }));
}

export interface GithubProject {
  readonly repo: TempRepo;
  readonly remote: string;
  readonly gh: FakeGithub;
  readonly env: Record<string, string>;
  cleanup(): Promise<void>;
}

/**
 * A repository with a bare remote (origin), a fake GitHub with three labelled issues (#2
 * depends on #1; #3's first implementation is refused by the gate until a human retries) and
 * one unlabelled issue, and scripted models of two families.
 */
export async function githubProject(): Promise<GithubProject> {
  const repo = await createTempRepo();
  const dir = await mkdtemp(join(tmpdir(), "orchestrator-remote-"));
  const remote = join(dir, "remote.git");
  await repo.sh("init", "--quiet", "--bare", remote);
  await repo.sh("remote", "add", "origin", remote);
  const gh = await startFakeGithub({
    owner: "acme",
    repo: "widgets",
    token: TOKEN,
    pageSize: 2,
    secondaryLimitOnce: "POST /repos/acme/widgets/pulls",
    permissions: { maintainer: "write", reader: "read" },
  });
  gh.addIssue({
    title: "Add the greeting file",
    body: "Write `greeting.txt`; keep README.md as it is.",
    labels: ["orchestrator", "risk:low", "area:docs"],
  });
  gh.addIssue({
    title: "Add the farewell file",
    body: "Depends on #1.",
    labels: ["orchestrator", "priority:2"],
  });
  gh.addIssue({ title: "Add the good file", body: "", labels: ["orchestrator", "risk:high"] });
  gh.addIssue({ title: "Not for the orchestrator", body: "", labels: ["question"] });

  const script = {
    answers: [
      ...taskScript("GH-1", "greeting.txt"),
      ...taskScript("GH-2", "farewell.txt"),
      ...taskScript("GH-3", "value.txt", "bad\n"),
      // After a human's retry (attempt 4) the implementer writes the good file instead.
      answer({
        role: "implementer",
        task: "GH-3",
        step: "S1",
        attempt: 4,
        files: { "value.txt": "good\n" },
      }),
    ],
  };
  await writeScriptedProject(repo.root, {
    taskId: "unused",
    script,
    checks: {
      "no-bad-value": {
        command: [
          "node",
          "-e",
          "const f = require('fs'); process.exit(f.existsSync('value.txt') && f.readFileSync('value.txt', 'utf8').includes('bad') ? 1 : 0)",
        ],
        kind: "custom",
      },
    },
  });
  await writeFile(join(repo.root, ".orchestrator", "tasks.yaml"), "tasks: []\n");
  const modelsPath = join(repo.root, ".orchestrator", "model_config.yaml");
  const models = parse(await readFile(modelsPath, "utf8")) as Record<string, unknown>;
  models.github = {
    repo: "acme/widgets",
    api_url: gh.url,
    labels: ["automated"],
    reviewers: ["lead"],
  };
  await writeFile(modelsPath, stringify(models));
  await repo.commitAll("orchestrator config");
  await repo.sh("push", "--quiet", "origin", "main");
  return {
    repo,
    remote,
    gh,
    env: { ...repo.env, GITHUB_TOKEN: TOKEN },
    cleanup: async () => {
      await gh.close();
      await repo.cleanup();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
