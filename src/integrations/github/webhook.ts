import { createHmac, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import type { IssueComment } from "./decisions.js";

/** Whether `signature` (the `X-Hub-Signature-256` header) signs `rawBody` with `secret`. */
export function verifyWebhookSignature(
  secret: string,
  rawBody: string | Buffer,
  signature: string | undefined,
): boolean {
  if (!signature?.startsWith("sha256=")) return false;
  const expected = Buffer.from(
    `sha256=${createHmac("sha256", secret).update(rawBody).digest("hex")}`,
  );
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const IssueCommentPayloadSchema = z.object({
  action: z.string(),
  issue: z.object({ number: z.number().int().positive() }),
  comment: z.object({
    id: z.number().int(),
    body: z.string().nullable(),
    created_at: z.string(),
    user: z.object({ login: z.string() }),
  }),
  repository: z.object({ full_name: z.string() }),
});

/** A new issue comment from a webhook delivery, with the repository it belongs to. */
export interface WebhookComment {
  readonly repository: string;
  readonly issue: number;
  readonly comment: IssueComment;
}

/**
 * The comment an `issue_comment` delivery carries when it was just created; undefined for any
 * other event or action (those are acknowledged and ignored).
 */
export function commentFromWebhook(
  event: string | undefined,
  payload: unknown,
): WebhookComment | undefined {
  if (event !== "issue_comment") return undefined;
  const parsed = IssueCommentPayloadSchema.safeParse(payload);
  if (!parsed.success || parsed.data.action !== "created") return undefined;
  const { issue, comment, repository } = parsed.data;
  return {
    repository: repository.full_name,
    issue: issue.number,
    comment: {
      id: comment.id,
      user: comment.user.login,
      body: comment.body ?? "",
      createdAt: Date.parse(comment.created_at),
    },
  };
}

/** What a webhook delivery needs from the rest of the orchestrator. */
export interface WebhookHandlerDeps {
  readonly secret: string;
  /** OWNER/NAME of the configured repository; deliveries for others are ignored. */
  readonly repository: string;
  /** Applies the comment to the task of issue `issue` (undefined when no task came from it). */
  readonly apply: (
    issue: number,
    comment: IssueComment,
  ) => Promise<"accepted" | "refused" | "ignored" | undefined>;
}

/** The answer to one delivery: its HTTP status and a JSON body. */
export interface WebhookAnswer {
  readonly status: 200 | 400 | 401;
  readonly body: Record<string, string>;
}

/**
 * Handles one GitHub webhook delivery: refuses a bad signature (401), ignores what is not a new
 * comment on this repository, and hands a comment to `apply` (the same path as `github sync`).
 */
export async function handleWebhookDelivery(
  deps: WebhookHandlerDeps,
  event: string | undefined,
  signature: string | undefined,
  rawBody: string,
): Promise<WebhookAnswer> {
  if (!verifyWebhookSignature(deps.secret, rawBody, signature)) {
    return { status: 401, body: { error: "bad or missing X-Hub-Signature-256" } };
  }
  let payload: unknown;
  try {
    payload = JSON.parse(rawBody);
  } catch {
    return { status: 400, body: { error: "expected a JSON body" } };
  }
  const found = commentFromWebhook(event, payload);
  if (found?.repository.toLowerCase() !== deps.repository.toLowerCase()) {
    return { status: 200, body: { outcome: "ignored" } };
  }
  const outcome = await deps.apply(found.issue, found.comment);
  return { status: 200, body: { outcome: outcome ?? "ignored" } };
}
