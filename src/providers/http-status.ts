import type { ProviderErrorKind } from "../core/provider-errors.js";

// What a failed HTTP exchange means to the failure handler, in one place for the API adapters
// (sdk/), the CLI adapters (whose CLIs report the API's status) and the classifier that the
// resilience wrapper applies to anything else thrown.

/**
 * The kind an HTTP status means; `undefined` below 400. 408, 409, 5xx and Anthropic's 529 are
 * the vendor's trouble and retried up to `max_retries` (a 408 is the server giving up on the
 * request and answers at once, unlike a call that hung for its whole timeout); 429 waits for
 * `retry-after`; 401/403 need the user; other 4xx are our request.
 */
export function kindOfStatus(status: number): ProviderErrorKind | undefined {
  if (status === 401 || status === 403) return "auth";
  if (status === 429) return "rate_limit";
  if (status === 408 || status === 409 || status >= 500) return "overloaded";
  if (status >= 400) return "bad_request";
  return undefined;
}

/** A `retry-after` value (seconds, or an HTTP date relative to `now`), in milliseconds. */
export function parseRetryAfter(
  value: string | null | undefined,
  now: number = Date.now(),
): number | undefined {
  const trimmed = value?.trim();
  if (trimmed === undefined || trimmed === "") return undefined;
  const seconds = Number(trimmed);
  if (Number.isFinite(seconds)) return seconds >= 0 ? Math.round(seconds * 1000) : undefined;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * The wait a server asked for, in milliseconds: `retry-after-ms` (OpenAI), else `retry-after`
 * as seconds or as an HTTP date (relative to `now`).
 */
export function retryAfterFromHeaders(
  get: (name: string) => string | null | undefined,
  now: number = Date.now(),
): number | undefined {
  const ms = get("retry-after-ms")?.trim();
  if (ms !== undefined && ms !== "" && Number.isFinite(Number(ms)) && Number(ms) >= 0) {
    return Math.round(Number(ms));
  }
  return parseRetryAfter(get("retry-after"), now);
}

/** System error codes (Node and undici) that mean the server could not be reached. */
const NETWORK_CODES: ReadonlySet<string> = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENETDOWN",
  "ECONNABORTED",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT",
  "UND_ERR_CLOSED",
]);

/** Whether a system error code means the connection failed (refused, reset, DNS). */
export function isNetworkCode(code: string): boolean {
  return NETWORK_CODES.has(code);
}
