import type { StoredEvent } from "../../core/events.js";
import type { TaskView } from "../../core/projection.js";
import { projectTask } from "../../core/projection.js";
import type { HumanDecision } from "../../core/state-machine.js";
import type { Task } from "../../core/task.js";
import type { GithubContext } from "./context.js";
import { recordGithub } from "./context.js";
import { issueOfTask } from "./issue-task.js";

/** A `/orchestrator ...` command read from a comment. */
export interface GithubCommand {
  readonly decision: HumanDecision;
  readonly feedback?: string;
}

const VERBS: Readonly<Record<string, HumanDecision>> = {
  approve: "approve",
  retry: "retry",
  skip: "skip_step",
  abort: "abort",
};

/**
 * The command a comment gives, if its first non-empty line is `/orchestrator VERB [text]`.
 * The feedback of `retry` is the rest of that line and any lines after it.
 */
export function parseCommand(body: string): GithubCommand | undefined {
  const text = body.replace(/\r\n/g, "\n").trim();
  const m = /^\/orchestrator\s+(approve|retry|skip|abort)\b[ \t]*(.*)$/is.exec(text);
  if (!m) return undefined;
  const decision = VERBS[(m[1] ?? "").toLowerCase()];
  if (decision === undefined) return undefined;
  const feedback = (m[2] ?? "").trim();
  return decision === "retry" && feedback ? { decision, feedback } : { decision };
}

/** A comment as the decision handler needs it. */
export interface IssueComment {
  readonly id: number;
  readonly user: string;
  readonly body: string;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
}

/** Whether `user` may decide: write, maintain or admin on the repository. */
async function canWrite(ctx: GithubContext, user: string): Promise<boolean> {
  const { data } = await ctx.client.rest.repos.getCollaboratorPermissionLevel({
    owner: ctx.config.owner,
    repo: ctx.config.name,
    username: user,
  });
  const role = data.role_name;
  return (
    data.permission === "admin" ||
    data.permission === "write" ||
    ["admin", "maintain", "write"].includes(role)
  );
}

const handledComments = (events: readonly StoredEvent[]): Set<number> =>
  new Set(
    events.flatMap((e) =>
      e.body.type === "github" &&
      e.body.commentId !== undefined &&
      e.body.action.startsWith("command_")
        ? [e.body.commentId]
        : [],
    ),
  );

/** Records a human decision exactly as `orchestrator review` does. */
export type Decide = (task: Task, decision: HumanDecision, feedback?: string) => Promise<TaskView>;

export type CommandOutcome = "accepted" | "refused" | "ignored";

/**
 * Applies one comment to a task waiting for a human: a command from a user with write
 * permission becomes the decision (recorded with who gave it); one from anyone else is refused
 * with a single reply. A comment is handled once, however often it is seen.
 */
export async function applyComment(
  ctx: GithubContext,
  task: Task,
  comment: IssueComment,
  decide: Decide,
): Promise<CommandOutcome> {
  const command = parseCommand(comment.body);
  const issue = issueOfTask(task.id);
  if (command === undefined || issue === undefined) return "ignored";
  const events = await ctx.store.events(task.id);
  const view = projectTask(task.id, events);
  if (handledComments(events).has(comment.id)) return "ignored";
  if (view.status !== "AWAITING_HUMAN_REVIEW" || view.escalation === undefined) return "ignored";
  if (comment.createdAt < view.escalation.at) return "ignored";
  const base = { issue, commentId: comment.id, user: comment.user };
  if (!(await canWrite(ctx, comment.user))) {
    const reply = await ctx.client.rest.issues.createComment({
      owner: ctx.config.owner,
      repo: ctx.config.name,
      issue_number: issue,
      body: `@${comment.user} only users with write permission on this repository can decide on ${task.id}; your \`/orchestrator ${command.decision === "skip_step" ? "skip" : command.decision}\` was not applied.`,
    });
    await recordGithub(ctx, task.id, {
      action: "command_refused",
      ...base,
      url: reply.data.html_url,
      detail: "no write permission",
    });
    return "refused";
  }
  await recordGithub(ctx, task.id, {
    action: "command_accepted",
    ...base,
    detail: command.decision,
  });
  await decide(task, command.decision, command.feedback);
  return "accepted";
}

/** Comments on the task's issue since its escalation, oldest first. */
export async function commentsSince(
  ctx: GithubContext,
  issue: number,
  sinceMs: number,
): Promise<IssueComment[]> {
  const comments = await ctx.client.paginate(ctx.client.rest.issues.listComments, {
    owner: ctx.config.owner,
    repo: ctx.config.name,
    issue_number: issue,
    since: new Date(sinceMs).toISOString(),
    per_page: 100,
  });
  return comments.map((c) => ({
    id: c.id,
    user: c.user?.login ?? "",
    body: c.body ?? "",
    createdAt: Date.parse(c.created_at),
  }));
}

/**
 * Polls the issues of tasks waiting for a human for `/orchestrator` commands and applies
 * them; returns the tasks a decision sent back to work (to be resumed).
 */
export async function pollDecisions(
  ctx: GithubContext,
  tasks: readonly Task[],
  decide: Decide,
): Promise<{ resume: Task[]; accepted: number; refused: number }> {
  const resume: Task[] = [];
  let accepted = 0;
  let refused = 0;
  for (const task of tasks) {
    const issue = issueOfTask(task.id);
    if (issue === undefined) continue;
    const view = projectTask(task.id, await ctx.store.events(task.id));
    if (view.status !== "AWAITING_HUMAN_REVIEW" || view.escalation === undefined) continue;
    for (const comment of await commentsSince(ctx, issue, view.escalation.at)) {
      const outcome = await applyComment(ctx, task, comment, decide);
      if (outcome === "refused") refused += 1;
      if (outcome !== "accepted") continue;
      accepted += 1;
      const after = projectTask(task.id, await ctx.store.events(task.id));
      if (after.status !== "ABORTED") resume.push(task);
      break;
    }
  }
  return { resume, accepted, refused };
}
