import type { Notification } from "./notification.js";

/** The generic JSON payload: every field of the notification, versioned. */
export function jsonPayload(n: Notification): Record<string, unknown> {
  return {
    version: 1,
    source: "orchestrator",
    kind: n.kind,
    title: n.title,
    text: n.text,
    task: n.taskId,
    run: n.runId,
    link: n.link ?? null,
    at: new Date(n.at).toISOString(),
    details: n.details,
  };
}

/** Escapes the three characters Slack's mrkdwn treats as control characters. */
function slackEscape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** A Slack-compatible incoming-webhook payload (`text` plus Block Kit sections). */
export function slackPayload(n: Notification): Record<string, unknown> {
  const link = n.link === undefined ? "" : `\n<${n.link}|Open in the dashboard>`;
  const text = `*${slackEscape(n.title)}*\n${slackEscape(n.text)}${link}`;
  return {
    text: `${n.title}${n.link === undefined ? "" : ` ${n.link}`}`,
    blocks: [{ type: "section", text: { type: "mrkdwn", text: text.slice(0, 2900) } }],
  };
}
