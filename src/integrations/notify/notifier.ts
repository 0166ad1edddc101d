import type { StoredEvent } from "../../core/events.js";
import type { Clock, Store } from "../../core/ports.js";
import type { BudgetsConfig, NotifyConfig } from "../../core/project-config.js";
import type { TaskView } from "../../core/projection.js";
import { subscriptionOf } from "./notification.js";
import type { Notification } from "./notification.js";
import { jsonPayload, slackPayload } from "./payloads.js";
import { NotificationTriggers } from "./triggers.js";
import { deliverWebhook } from "./webhook-delivery.js";
import type { DeliveryOptions } from "./webhook-delivery.js";

/** What a finished batch reports. */
export interface BatchSummary {
  readonly runId: string;
  readonly command: string;
  readonly tasks: readonly {
    readonly taskId: string;
    readonly status: string;
    readonly costUsd: number;
  }[];
}

/**
 * Sends webhook notifications as a reaction to the event stream. The listener only decides and
 * queues: delivery (with its retries) happens in the background and is recorded as a
 * `notification` event, so a slow or dead receiver never holds up a run.
 */
export interface Notifier {
  readonly listener: (event: StoredEvent, view: TaskView) => void;
  batchFinished(summary: BatchSummary): void;
  /** Waits for deliveries in flight, at most `timeoutMs`. */
  flush(timeoutMs: number): Promise<void>;
}

export interface NotifierDeps {
  readonly notify: NotifyConfig;
  readonly budgets: BudgetsConfig | undefined;
  readonly store: Store;
  /** Every event so far (for p95s and what was already notified). */
  readonly history: readonly StoredEvent[];
  readonly clock: Clock;
  readonly fetch?: typeof fetch;
  readonly sleep?: DeliveryOptions["sleep"];
  /** Where a failure to record a delivery is reported. */
  readonly warn?: (message: string) => void;
}

/** A notifier for the configured webhooks. */
export function createNotifier(deps: NotifierDeps): Notifier {
  const triggers = new NotificationTriggers(deps.notify, deps.budgets, deps.history);
  const pending = new Set<Promise<void>>();
  const linkFor = (taskId: string): string | undefined => {
    const base = deps.notify.dashboardUrl;
    if (base === undefined) return undefined;
    return `${base.endsWith("/") ? base : `${base}/`}#/task/${encodeURIComponent(taskId)}`;
  };

  const send = (n: Notification): void => {
    for (const webhook of deps.notify.webhooks) {
      if (!webhook.events.includes(subscriptionOf(n.kind))) continue;
      const payload = webhook.format === "slack" ? slackPayload(n) : jsonPayload(n);
      const delivery = deliverWebhook(webhook, payload, {
        maxAttempts: deps.notify.maxAttempts,
        baseDelayMs: deps.notify.baseDelayMs,
        ...(deps.fetch ? { fetch: deps.fetch } : {}),
        ...(deps.sleep ? { sleep: deps.sleep } : {}),
      })
        .then((result) =>
          deps.store.append(n.taskId, n.runId, {
            type: "notification",
            kind: n.kind,
            key: n.key,
            sink: webhook.name,
            title: n.title,
            ok: result.ok,
            attempts: result.attempts,
            status: result.status,
            ...(result.error === undefined ? {} : { error: result.error }),
          }),
        )
        .then(
          () => undefined,
          (error: unknown) => {
            deps.warn?.(
              `notification to ${webhook.name} not recorded: ${error instanceof Error ? error.message : String(error)}`,
            );
          },
        );
      pending.add(delivery);
      void delivery.finally(() => pending.delete(delivery));
    }
  };

  return {
    listener: (event, view) => {
      if (event.body.type === "notification") return;
      for (const draft of triggers.onEvent(event, view)) {
        const link = linkFor(draft.taskId);
        send({
          ...draft,
          runId: event.runId,
          at: event.at,
          ...(link === undefined ? {} : { link }),
        });
      }
    },
    batchFinished: (summary) => {
      const first = summary.tasks[0];
      if (!first) return;
      const by = new Map<string, number>();
      for (const t of summary.tasks) by.set(t.status, (by.get(t.status) ?? 0) + 1);
      const counts = [...by.entries()].map(([s, n]) => `${n} ${s}`).join(", ");
      const cost = summary.tasks.reduce((sum, t) => sum + t.costUsd, 0);
      const base = deps.notify.dashboardUrl;
      send({
        kind: "batch_finished",
        key: `batch:${summary.runId}`,
        taskId: first.taskId,
        runId: summary.runId,
        title: `Batch finished: ${counts}`,
        text:
          `${summary.command}: ${summary.tasks.length} task(s), $${cost.toFixed(4)}\n` +
          summary.tasks.map((t) => `- ${t.taskId}: ${t.status}`).join("\n"),
        ...(base === undefined ? {} : { link: base }),
        at: deps.clock.now(),
        details: { tasks: summary.tasks, costUsd: cost },
      });
    },
    flush: async (timeoutMs) => {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([...pending]),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, timeoutMs);
        }),
      ]);
      clearTimeout(timer);
    },
  };
}
