import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { z } from "zod";
import { githubProject, TOKEN } from "./github-project.js";
import type { GithubProject } from "./github-project.js";

const ACTION_ROOT = fileURLToPath(new URL("../..", import.meta.url));

const StepSchema = z.object({
  name: z.string().optional(),
  uses: z.string().optional(),
  run: z.string().optional(),
  shell: z.string().optional(),
  env: z.record(z.string(), z.string()).default({}),
});
const ActionSchema = z.object({
  inputs: z.record(z.string(), z.object({ default: z.string().optional() })),
  runs: z.object({ using: z.literal("composite"), steps: z.array(StepSchema) }),
});

/** `${{ inputs.x }}`, `${{ github.event.a.b }}`, `${{ github.action_path }}` as a runner fills them. */
function evaluate(text: string, scope: Record<string, unknown>): string {
  return text.replace(/\$\{\{\s*([\w.-]+)\s*\}\}/g, (_all, path: string) => {
    let value: unknown = scope;
    for (const key of path.split(".")) {
      value =
        typeof value === "object" && value !== null
          ? (value as Record<string, unknown>)[key]
          : undefined;
    }
    return typeof value === "string" || typeof value === "number" ? String(value) : "";
  });
}

interface StepRun {
  readonly name: string;
  readonly code: number;
  readonly output: string;
}

/** Runs the composite action's `run:` steps as the runner would (`uses:` steps are the runner's own). */
async function runAction(
  p: GithubProject,
  event: string,
  payload: object,
  inputs: Record<string, string>,
): Promise<StepRun[]> {
  const action = ActionSchema.parse(parse(await readFile(join(ACTION_ROOT, "action.yml"), "utf8")));
  const temp = await mkdtemp(join(tmpdir(), "orchestrator-action-"));
  try {
    const eventPath = join(temp, "event.json");
    await writeFile(eventPath, JSON.stringify(payload));
    const githubPath = join(temp, "github-path");
    const summary = join(temp, "summary.md");
    await writeFile(githubPath, "");
    await writeFile(summary, "");
    const defaults = Object.fromEntries(
      Object.entries(action.inputs).map(([k, v]) => [k, v.default ?? ""]),
    );
    const scope = {
      inputs: { ...defaults, ...inputs },
      github: { action_path: ACTION_ROOT, run_id: "42", event_name: event, event: payload },
    };
    const results: StepRun[] = [];
    for (const step of action.runs.steps) {
      if (step.run === undefined) continue;
      const extraPath = (await readFile(githubPath, "utf8")).split("\n").filter(Boolean).reverse();
      const env: Record<string, string> = {
        PATH: [...extraPath, process.env.PATH ?? ""].join(delimiter),
        HOME: process.env.HOME ?? temp,
        ...p.repo.env,
        NO_COLOR: "1",
        GITHUB_ACTIONS: "true",
        GITHUB_EVENT_NAME: event,
        GITHUB_EVENT_PATH: eventPath,
        GITHUB_REPOSITORY: "acme/widgets",
        GITHUB_API_URL: p.gh.url,
        GITHUB_PATH: githubPath,
        GITHUB_STEP_SUMMARY: summary,
        RUNNER_TEMP: temp,
        ...Object.fromEntries(Object.entries(step.env).map(([k, v]) => [k, evaluate(v, scope)])),
      };
      const script = evaluate(step.run, scope);
      const result = await new Promise<StepRun>((resolve, reject) => {
        const child = spawn("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", script], {
          cwd: p.repo.root,
          env,
          stdio: ["ignore", "pipe", "pipe"],
        });
        let output = "";
        child.stdout.on("data", (d: Buffer) => (output += d.toString()));
        child.stderr.on("data", (d: Buffer) => (output += d.toString()));
        child.on("error", reject);
        child.on("close", (code) => {
          resolve({ name: step.name ?? "", code: code ?? 1, output });
        });
      });
      results.push(result);
      if (result.code !== 0) break;
    }
    results.push({ name: "summary", code: 0, output: await readFile(summary, "utf8") });
    return results;
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}

let p: GithubProject;
beforeAll(async () => {
  p = await githubProject();
}, 60_000);
afterAll(async () => {
  await p.cleanup();
});

describe("the GitHub Action's composite steps", { timeout: 180_000 }, () => {
  it("on a labelled issue: imports it, runs its task and opens the pull request", async () => {
    const steps = await runAction(
      p,
      "issues",
      { action: "labeled", issue: { number: 1, labels: [{ name: "orchestrator" }] } },
      { "github-token": TOKEN },
    );
    const run = steps.find((s) => s.name === "Run");
    expect(run?.output).toContain("GH-1: DONE");
    expect(run?.code).toBe(0);
    expect(p.gh.pulls.map((x) => x.head)).toEqual(["orchestrator/GH-1"]);
    expect(p.gh.pulls[0]?.body).toContain("Closes #1");
    expect(await p.repo.sh("ls-remote", "--heads", "origin")).toContain("orchestrator/GH-1");
  });

  it("on a pull request: gates the head against the base and publishes a check and a job summary", async () => {
    const base = await p.repo.sh("rev-parse", "HEAD");
    await p.repo.write("value.txt", "bad\n");
    const bad = await p.repo.commitAll("a change the gate refuses");
    const failing = await runAction(
      p,
      "pull_request",
      { pull_request: { base: { sha: base }, head: { sha: bad } } },
      { "github-token": TOKEN },
    );
    expect(failing.find((s) => s.name === "Run")?.code).toBe(1);
    expect(p.gh.checkRuns.at(-1)).toMatchObject({
      head_sha: bad,
      conclusion: "failure",
      name: "orchestrator gate",
    });
    expect(p.gh.checkRuns.at(-1)?.summary).toContain("no-bad-value");
    expect(failing.at(-1)?.output).toContain("Quality gate FAILED");

    await p.repo.write("value.txt", "good\n");
    const good = await p.repo.commitAll("fixed");
    const passing = await runAction(
      p,
      "pull_request",
      { pull_request: { base: { sha: base }, head: { sha: good } } },
      { "github-token": TOKEN },
    );
    expect(passing.find((s) => s.name === "Run")?.code).toBe(0);
    expect(p.gh.checkRuns.at(-1)).toMatchObject({ head_sha: good, conclusion: "success" });
    expect(passing.at(-1)?.output).toContain("Quality gate passed");
  });
});
