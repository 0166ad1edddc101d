import type { EventBody } from "../../core/events.js";
import type { Store } from "../../core/ports.js";
import type { GithubConfig } from "../../core/project-config.js";
import type { Git } from "../../workspace/git.js";
import type { GithubClient } from "./client.js";

/** What every GitHub operation works with: one repository, its client, the store and git. */
export interface GithubContext {
  readonly client: GithubClient;
  readonly config: GithubConfig;
  readonly store: Store;
  /** Git in the user's repository (only push and rev-parse are used: nothing local changes). */
  readonly git: Git;
  readonly runId: string | null;
}

type GithubEvent = Omit<Extract<EventBody, { type: "github" }>, "type">;

/** Records what the integration did in the task's event log. */
export async function recordGithub(
  ctx: GithubContext,
  taskId: string,
  body: GithubEvent,
): Promise<void> {
  await ctx.store.append(taskId, ctx.runId, { type: "github", ...body });
}
