import type { EventBody } from "../../core/events.js";
import type { NotifyEventKind } from "../../core/project-config.js";

export type NotificationKind = Extract<EventBody, { type: "notification" }>["kind"];

/** Something a human should hear about, before it is formatted for a webhook. */
export interface Notification {
  readonly kind: NotificationKind;
  /** Sent once per key (across processes: the log is checked for it). */
  readonly key: string;
  /** The task whose log records the delivery. */
  readonly taskId: string;
  readonly runId: string | null;
  readonly title: string;
  readonly text: string;
  /** The dashboard page about it, when `notify.dashboard_url` is set. */
  readonly link?: string;
  readonly at: number;
  /** Kind-specific facts for machines (the generic JSON payload carries them). */
  readonly details: Readonly<Record<string, unknown>>;
}

/** The subscription (`events:` of a webhook) a notification belongs to. */
export function subscriptionOf(kind: NotificationKind): NotifyEventKind {
  return kind === "budget_warning" || kind === "budget_limit" ? "budget" : kind;
}
