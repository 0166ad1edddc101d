import type { StoredEvent } from "../../core/events.js";
import { projectTask } from "../../core/projection.js";
import type { Task } from "../../core/task.js";
import type { GithubContext } from "./context.js";
import { recordGithub } from "./context.js";
import { issueOfTask } from "./issue-task.js";
import { escalationComment, neededHuman, pullRequestBody, pullRequestTitle } from "./pr-body.js";

/** What publishing did for one task. */
export interface PublishResult {
  readonly taskId: string;
  readonly action: "pr_opened" | "pr_updated" | "issue_commented" | "none";
  readonly url?: string;
}

const lastGithub = (events: readonly StoredEvent[], action: string) =>
  events.findLast((e) => e.body.type === "github" && e.body.action === action)?.body;

/** The branch pull requests of this task target. */
async function baseBranch(ctx: GithubContext, task: Task): Promise<string> {
  if (ctx.config.base !== undefined) return ctx.config.base;
  if (task.base !== undefined && !/^[0-9a-f]{7,40}$/.test(task.base) && task.base !== "HEAD") {
    return task.base;
  }
  const { data } = await ctx.client.rest.repos.get({
    owner: ctx.config.owner,
    repo: ctx.config.name,
  });
  return data.default_branch;
}

/**
 * A DONE task: pushes its branch to the configured remote and opens its pull request, or
 * updates the open one (found by head branch, never duplicated). Draft when a human decided
 * on the way; labels and reviewers as configured.
 */
async function publishDone(
  ctx: GithubContext,
  task: Task,
  events: StoredEvent[],
): Promise<PublishResult> {
  const view = projectTask(task.id, events);
  const branch = view.workspace?.branch;
  if (branch === undefined) return { taskId: task.id, action: "none" };
  const head = (await ctx.git.run(["rev-parse", `refs/heads/${branch}`])).trim();
  const pushed = lastGithub(events, "branch_pushed");
  if (pushed?.type === "github" && pushed.detail === head) {
    const pr = events.findLast((e) => e.body.type === "github" && e.body.pr !== undefined)?.body;
    if (pr?.type === "github" && pr.pr !== undefined) {
      return { taskId: task.id, action: "none", ...(pr.url === undefined ? {} : { url: pr.url }) };
    }
  } else {
    await ctx.git.run([
      "push",
      "--quiet",
      ctx.config.remote,
      `refs/heads/${branch}:refs/heads/${branch}`,
    ]);
    await recordGithub(ctx, task.id, { action: "branch_pushed", detail: head });
  }

  const { owner, name: repo } = ctx.config;
  const title = pullRequestTitle(task);
  const body = pullRequestBody(task, view, events);
  const open = await ctx.client.rest.pulls.list({
    owner,
    repo,
    state: "open",
    head: `${owner}:${branch}`,
    per_page: 10,
  });
  const existing = open.data.find((p) => p.head.ref === branch);
  const issue = issueOfTask(task.id);
  if (existing !== undefined) {
    const { data } = await ctx.client.rest.pulls.update({
      owner,
      repo,
      pull_number: existing.number,
      title,
      body,
    });
    await recordGithub(ctx, task.id, {
      action: "pr_updated",
      pr: data.number,
      url: data.html_url,
      detail: head,
      ...(issue === undefined ? {} : { issue }),
    });
    return { taskId: task.id, action: "pr_updated", url: data.html_url };
  }
  const { data } = await ctx.client.rest.pulls.create({
    owner,
    repo,
    title,
    body,
    head: branch,
    base: await baseBranch(ctx, task),
    draft: ctx.config.draftOnHuman && neededHuman(events),
  });
  if (ctx.config.labels.length > 0) {
    await ctx.client.rest.issues.addLabels({
      owner,
      repo,
      issue_number: data.number,
      labels: [...ctx.config.labels],
    });
  }
  if (ctx.config.reviewers.length > 0) {
    await ctx.client.rest.pulls.requestReviewers({
      owner,
      repo,
      pull_number: data.number,
      reviewers: [...ctx.config.reviewers],
    });
  }
  await recordGithub(ctx, task.id, {
    action: "pr_opened",
    pr: data.number,
    url: data.html_url,
    detail: head,
    ...(issue === undefined ? {} : { issue }),
  });
  return { taskId: task.id, action: "pr_opened", url: data.html_url };
}

/** A task from an issue waiting for a human: one comment per escalation on that issue. */
async function publishEscalation(
  ctx: GithubContext,
  task: Task,
  events: StoredEvent[],
): Promise<PublishResult> {
  const view = projectTask(task.id, events);
  const issue = issueOfTask(task.id);
  const at = view.escalation?.at;
  if (issue === undefined || at === undefined) return { taskId: task.id, action: "none" };
  const already = events.some(
    (e) =>
      e.body.type === "github" && e.body.action === "issue_commented" && e.body.escalationAt === at,
  );
  if (already) return { taskId: task.id, action: "none" };
  const findings =
    (view.escalation?.scope === "plan" ? view.planFeedback : view.pendingFeedback) ?? "";
  const { data } = await ctx.client.rest.issues.createComment({
    owner: ctx.config.owner,
    repo: ctx.config.name,
    issue_number: issue,
    body: escalationComment(view, findings),
  });
  await recordGithub(ctx, task.id, {
    action: "issue_commented",
    issue,
    commentId: data.id,
    url: data.html_url,
    escalationAt: at,
    detail: view.escalation?.reason ?? "",
  });
  return { taskId: task.id, action: "issue_commented", url: data.html_url };
}

/** Publishes what a task's state calls for: a PR when DONE, an issue comment when it waits. */
export async function publishTask(ctx: GithubContext, task: Task): Promise<PublishResult> {
  const events = await ctx.store.events(task.id);
  const status = projectTask(task.id, events).status;
  if (status === "DONE") return publishDone(ctx, task, events);
  if (status === "AWAITING_HUMAN_REVIEW") return publishEscalation(ctx, task, events);
  return { taskId: task.id, action: "none" };
}
