import type { ProviderErrorKind } from "../../core/provider-errors.js";

/** The part of the resilience settings that times retries. */
export interface BackoffSettings {
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/**
 * How many times a failure of this kind is retried on the same model: transient kinds up to
 * `maxRetries`; a timeout and a bare nonzero exit once (a call that hung for its whole timeout
 * is unlikely to finish on the third try, and each try costs the full timeout); the rest (auth,
 * bad request, missing binary, malformed output) never — retrying would get the same answer.
 */
export function retriesAllowed(kind: ProviderErrorKind, maxRetries: number): number {
  switch (kind) {
    case "rate_limit":
    case "overloaded":
    case "network":
      return maxRetries;
    case "timeout":
    case "nonzero_exit":
      return Math.min(1, maxRetries);
    case "auth":
    case "bad_request":
    case "binary_missing":
    case "malformed_output":
      return 0;
  }
}

/** Failures that will not heal within a run: the model is cooled down at the first one. */
export function coolsDownAtOnce(kind: ProviderErrorKind): boolean {
  return kind === "auth" || kind === "binary_missing";
}

/**
 * The wait before retry number `retry` (0-based): exponential backoff with full jitter — a
 * uniform draw below `min(maxDelay, baseDelay * 2^retry)` — so that many clients hit by the
 * same outage do not retry in step. A server's `retry-after` is a lower bound, capped at
 * `maxDelay` (a longer one is not waited for; the caller falls back instead).
 */
export function backoffDelay(
  retry: number,
  settings: BackoffSettings,
  random: () => number,
  retryAfterMs?: number,
): number {
  const ceiling = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** retry);
  const draw = Math.min(Math.max(random(), 0), 1);
  const jittered = Math.floor(draw * ceiling);
  if (retryAfterMs === undefined) return jittered;
  return Math.min(settings.maxDelayMs, Math.max(retryAfterMs, jittered));
}
