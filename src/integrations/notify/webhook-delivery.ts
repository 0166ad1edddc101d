import type { WebhookConfig } from "../../core/project-config.js";

/** How one delivery ended, after all its tries. */
export interface DeliveryResult {
  readonly ok: boolean;
  readonly attempts: number;
  /** The last HTTP status, or null when no answer came. */
  readonly status: number | null;
  readonly error?: string;
}

export interface DeliveryOptions {
  readonly maxAttempts: number;
  /** First backoff; doubled per retry (with jitter), capped at 30 s. */
  readonly baseDelayMs: number;
  /** Per-request timeout. */
  readonly timeoutMs?: number;
  readonly fetch?: typeof fetch;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

/** Statuses worth another try: timeouts, conflicts, rate limits and server errors. */
function retryable(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

const defaultSleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms).unref());

/** Waits `retry-after` seconds when the receiver says so (capped), else exponential backoff. */
function delayBefore(attempt: number, res: Response | undefined, o: DeliveryOptions): number {
  const after = Number(res?.headers.get("retry-after") ?? Number.NaN);
  if (Number.isFinite(after) && after >= 0) return Math.min(after * 1000, 30_000);
  const ceiling = Math.min(o.baseDelayMs * 2 ** (attempt - 1), 30_000);
  return ceiling / 2 + ((o.random ?? Math.random)() * ceiling) / 2;
}

/**
 * POSTs a JSON payload to a webhook, retrying network errors and retryable statuses with
 * backoff. Never throws: the result says how it went.
 */
export async function deliverWebhook(
  webhook: WebhookConfig,
  payload: unknown,
  o: DeliveryOptions,
): Promise<DeliveryResult> {
  const doFetch = o.fetch ?? fetch;
  const sleep = o.sleep ?? defaultSleep;
  let status: number | null = null;
  let error = "";
  for (let attempt = 1; attempt <= o.maxAttempts; attempt++) {
    let res: Response | undefined;
    try {
      res = await doFetch(webhook.url, {
        method: "POST",
        headers: { "content-type": "application/json", ...webhook.headers },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(o.timeoutMs ?? 10_000),
      });
      status = res.status;
      await res.arrayBuffer().catch(() => undefined);
      if (res.ok) return { ok: true, attempts: attempt, status };
      error = `HTTP ${res.status}`;
      if (!retryable(res.status)) return { ok: false, attempts: attempt, status, error };
    } catch (e) {
      status = null;
      error =
        e instanceof Error ? (e.cause instanceof Error ? e.cause.message : e.message) : String(e);
    }
    if (attempt < o.maxAttempts) await sleep(delayBefore(attempt, res, o));
  }
  return { ok: false, attempts: o.maxAttempts, status, error };
}
