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
