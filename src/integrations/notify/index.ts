export { createNotifier } from "./notifier.js";
export type { BatchSummary, Notifier, NotifierDeps } from "./notifier.js";
export { deliverWebhook } from "./webhook-delivery.js";
export type { DeliveryOptions, DeliveryResult } from "./webhook-delivery.js";
export { jsonPayload, slackPayload } from "./payloads.js";
export { NotificationTriggers } from "./triggers.js";
export type { Notification, NotificationKind } from "./notification.js";
