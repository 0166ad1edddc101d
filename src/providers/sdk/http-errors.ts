import { ProviderError, type ProviderErrorKind } from "../../core/provider-errors.js";

/**
 * The kind an HTTP status means. 408, 409, 5xx and Anthropic's 529 are the vendor's trouble and
 * retryable; 429 waits for `retry-after`; 401/403 need the user; other 4xx are our request.
 */
export function kindForStatus(status: number): ProviderErrorKind {
  if (status === 401 || status === 403) return "auth";
  if (status === 429) return "rate_limit";
  if (status === 408 || status === 409 || status >= 500) return "overloaded";
  if (status >= 400) return "bad_request";
  // A 1xx-3xx reaching an error path is a reply we cannot use.
  return "malformed_output";
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
  const value = get("retry-after")?.trim();
  if (value === undefined || value === "") return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds >= 0 ? Math.round(seconds * 1000) : undefined;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** A failed HTTP exchange as a {@link ProviderError} of the kind its status means. */
export function httpError(
  model: string,
  status: number,
  message: string,
  options: { retryAfterMs?: number | undefined; detail?: string; cause?: unknown } = {},
): ProviderError {
  const kind = kindForStatus(status);
  return new ProviderError(kind, model, `HTTP ${status}: ${message}`, {
    status,
    ...(kind === "rate_limit" && options.retryAfterMs !== undefined
      ? { retryAfterMs: options.retryAfterMs }
      : {}),
    ...(options.detail === undefined ? {} : { detail: options.detail }),
    cause: options.cause,
  });
}

const NETWORK_CODES = new Set([
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

function codeOf(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null || !("code" in error)) return undefined;
  return typeof error.code === "string" ? error.code : undefined;
}

function causeOf(error: unknown): unknown {
  return error instanceof Error ? error.cause : undefined;
}

/** Walks an error and its causes (fetch wraps the system error), most outer first. */
export function errorChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let e = error; e !== undefined && e !== null && chain.length < 6; e = causeOf(e)) {
    chain.push(e);
  }
  return chain;
}

/**
 * What went wrong below HTTP: the connection (refused, reset, DNS), or a body that did not
 * parse. `undefined` when the error is neither.
 */
export function transportError(model: string, error: unknown): ProviderError | undefined {
  const chain = errorChain(error);
  const code = chain.map(codeOf).find((c) => c !== undefined && NETWORK_CODES.has(c));
  if (code !== undefined) {
    return new ProviderError("network", model, `cannot reach the server (${code})`, {
      cause: error,
    });
  }
  if (chain.some((e) => e instanceof TypeError && e.message === "fetch failed")) {
    return new ProviderError("network", model, "cannot reach the server (fetch failed)", {
      cause: error,
    });
  }
  if (chain.some((e) => e instanceof SyntaxError)) {
    return new ProviderError("malformed_output", model, "the response body is not valid JSON", {
      cause: error,
    });
  }
  return undefined;
}

/** The message of anything thrown. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
