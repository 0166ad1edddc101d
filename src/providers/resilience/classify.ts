import { ModelBehaviorError, UserError } from "../../core/errors.js";
import { ProviderError } from "../../core/provider-errors.js";
import type { ProviderErrorKind } from "../../core/provider-errors.js";
import { isNetworkCode, kindOfStatus, retryAfterFromHeaders } from "../http-status.js";

// Adapters throw ProviderError. Everything else (an SDK's own error, a Node system error, a bare
// Error from a fake) is classified here from its shape — HTTP status, `retry-after` header,
// system error code, `cause` chain — and, failing that, from its message.

function field(value: unknown, key: string): unknown {
  if (typeof value !== "object" || value === null) return undefined;
  const found: unknown = Reflect.get(value, key);
  return found;
}

const TIMEOUT_CODES = new Set([
  "ETIMEDOUT",
  "ESOCKETTIMEDOUT",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
]);

function kindOfCode(code: string): ProviderErrorKind | undefined {
  if (code === "ENOENT" || code === "EACCES") return "binary_missing";
  if (isNetworkCode(code)) return "network";
  if (TIMEOUT_CODES.has(code)) return "timeout";
  return undefined;
}

/** Message patterns, most specific first. */
const MESSAGE_KINDS: readonly (readonly [RegExp, ProviderErrorKind])[] = [
  [/\bspawn\b.*\bENOENT\b|command not found|not installed|is not recognized as/i, "binary_missing"],
  [
    /\b(?:401|403)\b|unauthori[sz]ed|forbidden|invalid[ _-]?(?:x-)?api[ _-]?key|api key not valid|authenticat|not logged in|please log ?in|credentials/i,
    "auth",
  ],
  [/\b429\b|rate[ _-]?limit|too many requests|quota|resource[ _-]?exhausted/i, "rate_limit"],
  [
    /\b(?:500|502|503|504|529)\b|overloaded|unavailable|internal server error|bad gateway/i,
    "overloaded",
  ],
  [/timed?[ _-]?out|timeout|deadline exceeded/i, "timeout"],
  [
    /fetch failed|socket hang up|ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|getaddrinfo|network|connection (?:refused|reset|closed)/i,
    "network",
  ],
  [
    /\b(?:400|404|413|422)\b|bad request|invalid[ _]request|context (?:length|window)|too long|model not found/i,
    "bad_request",
  ],
  [/unexpected token|invalid json|not valid json|malformed|unexpected end of/i, "malformed_output"],
];

function kindOfMessage(message: string): ProviderErrorKind | undefined {
  return MESSAGE_KINDS.find(([pattern]) => pattern.test(message))?.[1];
}

function header(headers: unknown, name: string): string | undefined {
  const get = field(headers, "get");
  if (typeof get === "function") {
    const value: unknown = Reflect.apply(get, headers, [name]);
    return typeof value === "string" ? value : undefined;
  }
  const value = field(headers, name);
  return typeof value === "string" ? value : undefined;
}

function retryAfterOf(error: unknown): number | undefined {
  const direct = field(error, "retryAfterMs");
  if (typeof direct === "number" && direct >= 0) return direct;
  const headers = field(error, "headers") ?? field(field(error, "response"), "headers");
  return retryAfterFromHeaders((name) => header(headers, name));
}

function statusOf(error: unknown): number | undefined {
  for (const key of ["status", "statusCode", "code"]) {
    const value = field(error, key);
    if (typeof value === "number" && value >= 100 && value < 600) return value;
  }
  const response = field(error, "response");
  const status = field(response, "status");
  return typeof status === "number" ? status : undefined;
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === "string") return error;
  const message = field(error, "message");
  return typeof message === "string" ? message : String(error);
}

/** The kind from an error's shape and its causes (a `fetch failed` TypeError wraps the code). */
function kindOfShape(error: unknown, depth = 0): ProviderErrorKind | undefined {
  if (depth > 4 || error === undefined || error === null) return undefined;
  const name = field(error, "name");
  if (name === "TimeoutError") return "timeout";
  const status = statusOf(error);
  const byStatus = status === undefined ? undefined : kindOfStatus(status);
  if (byStatus !== undefined) return byStatus;
  const code = field(error, "code");
  const byCode = typeof code === "string" ? kindOfCode(code) : undefined;
  return byCode ?? kindOfShape(field(error, "cause"), depth + 1);
}

/**
 * Any error a provider threw, as a {@link ProviderError}: a ProviderError is kept as it is;
 * anything else is classified from its shape, then its message, then its class (a user error is
 * a bad request, a model-behaviour error malformed output); what cannot be told is treated as a
 * nonzero exit (retried once).
 */
export function classifyError(error: unknown, model: string): ProviderError {
  if (error instanceof ProviderError) return error;
  const message = messageOf(error);
  const kind =
    kindOfShape(error) ??
    kindOfMessage(message) ??
    (error instanceof UserError ? "bad_request" : undefined) ??
    (error instanceof ModelBehaviorError || error instanceof SyntaxError
      ? "malformed_output"
      : undefined) ??
    "nonzero_exit";
  const retryAfterMs = retryAfterOf(error);
  const status = statusOf(error);
  return new ProviderError(kind, model, message, {
    cause: error,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    ...(status === undefined ? {} : { status }),
  });
}
