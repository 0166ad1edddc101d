import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parse } from "yaml";
import { TaskSourceSchema } from "../config/file-schemas.js";
import { UserError } from "../core/errors.js";
import type { GithubConfig } from "../core/project-config.js";
import type { Task } from "../core/task.js";
import {
  createGithubClient,
  publishTask,
  resolveGithubToken,
} from "../integrations/github/index.js";
import type { GithubContext, PublishResult } from "../integrations/github/index.js";
import { DEFAULT_TASK_LABELS } from "../integrations/github/index.js";
import { NodeProcessRunner } from "../process/node-process-runner.js";
import { Git } from "../workspace/index.js";
import type { Output } from "./output.js";
import type { OpenProject } from "./project.js";

/** `owner/name` split, or a clear error naming where it came from. */
export function splitRepo(slug: string, from: string): { owner: string; name: string } {
  const m = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(slug);
  if (!m?.[1] || !m[2]) throw new UserError(`${from}: expected OWNER/NAME, found "${slug}"`);
  return { owner: m[1], name: m[2] };
}

/**
 * The GitHub settings in force: `github:` of model_config.yaml, else a default for `repo` (a
 * flag or GITHUB_REPOSITORY in Actions) on GITHUB_API_URL or api.github.com.
 */
export function githubSettings(
  project: Pick<OpenProject, "config">,
  env: NodeJS.ProcessEnv,
  repo?: { slug: string; from: string },
): GithubConfig {
  const configured = project.config.models.github;
  if (repo === undefined && configured !== undefined) return configured;
  const slug =
    repo ??
    (env.GITHUB_REPOSITORY
      ? { slug: env.GITHUB_REPOSITORY, from: "GITHUB_REPOSITORY" }
      : undefined);
  if (slug === undefined) {
    throw new UserError(
      "no GitHub repository: add github: { repo: OWNER/NAME } to .orchestrator/model_config.yaml or pass --repo",
    );
  }
  const { owner, name } = splitRepo(slug.slug, slug.from);
  return {
    remote: "origin",
    labels: [],
    reviewers: [],
    draftOnHuman: true,
    tokenEnv: "GITHUB_TOKEN",
    taskLabels: DEFAULT_TASK_LABELS,
    ...configured,
    owner,
    name,
    apiUrl: (configured?.apiUrl ?? env.GITHUB_API_URL ?? "https://api.github.com").replace(
      /\/+$/,
      "",
    ),
  };
}

/** A client and context for the project's GitHub repository. */
export async function openGithub(
  project: OpenProject,
  env: NodeJS.ProcessEnv,
  runId: string | null,
  config: GithubConfig = githubSettings(project, env),
  out?: Output,
): Promise<GithubContext> {
  const token = await resolveGithubToken(config, env);
  return {
    client: createGithubClient(config.apiUrl, token, {
      onLimit: (message) => out?.err(message),
    }),
    config,
    store: project.store,
    git: new Git(new NodeProcessRunner(), project.repoRoot),
    runId,
  };
}

/** `source:` of tasks.yaml, when it names a GitHub repository. */
export async function taskSource(repoRoot: string) {
  const path = join(repoRoot, ".orchestrator", "tasks.yaml");
  let data: unknown;
  try {
    data = parse(await readFile(path, "utf8"));
  } catch {
    return undefined;
  }
  if (typeof data !== "object" || data === null || !("source" in data)) return undefined;
  const parsed = TaskSourceSchema.safeParse(data.source);
  if (!parsed.success)
    throw new UserError(`${path}: source: expected { github: { repo: OWNER/NAME } }`);
  return parsed.data.github;
}

/** After a run: each finished task's PR or issue comment, when GitHub is configured. */
export async function publishOutcomes(
  project: OpenProject,
  env: NodeJS.ProcessEnv,
  runId: string | null,
  tasks: readonly Task[],
  out: Output,
): Promise<PublishResult[]> {
  if (project.config.models.github === undefined || tasks.length === 0) return [];
  const ctx = await openGithub(project, env, runId, undefined, out);
  const results: PublishResult[] = [];
  for (const task of tasks) {
    const result = await publishTask(ctx, task);
    results.push(result);
    if (result.action !== "none" && !out.json) {
      out.out(`${task.id}: ${result.action.replace("_", " ")} ${result.url ?? ""}`.trimEnd());
    }
  }
  return results;
}
