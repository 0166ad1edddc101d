import { describe, expect, it } from "vitest";
import { ModelBehaviorError, UserError } from "../../core/errors.js";
import { ProviderError } from "../../core/provider-errors.js";
import type { ProviderErrorKind } from "../../core/provider-errors.js";
import { classifyError } from "./classify.js";

/** An SDK-style HTTP error: a status and response headers. */
class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

function systemError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

describe("classifyError", () => {
  it("keeps a ProviderError as the adapter classified it", () => {
    const error = new ProviderError("auth", "claude", "no key", { status: 401 });
    expect(classifyError(error, "other")).toBe(error);
  });

  const cases: readonly (readonly [string, unknown, ProviderErrorKind])[] = [
    ["HTTP 401", new HttpError(401, "Unauthorized"), "auth"],
    ["HTTP 403", new HttpError(403, "Forbidden"), "auth"],
    ["HTTP 429", new HttpError(429, "slow down"), "rate_limit"],
    ["HTTP 529 (Anthropic overloaded)", new HttpError(529, "Overloaded"), "overloaded"],
    ["HTTP 503", new HttpError(503, "unavailable"), "overloaded"],
    ["HTTP 409", new HttpError(409, "conflict"), "overloaded"],
    ["HTTP 408", new HttpError(408, "request timeout"), "overloaded"],
    ["HTTP 400", new HttpError(400, "bad"), "bad_request"],
    ["HTTP 404", new HttpError(404, "no such model"), "bad_request"],
    ["HTTP 422", new HttpError(422, "unprocessable"), "bad_request"],
    ["spawn ENOENT", systemError("ENOENT", "spawn claude ENOENT"), "binary_missing"],
    ["ECONNREFUSED", systemError("ECONNREFUSED", "connect ECONNREFUSED"), "network"],
    ["ECONNRESET", systemError("ECONNRESET", "read ECONNRESET"), "network"],
    ["ETIMEDOUT", systemError("ETIMEDOUT", "connect ETIMEDOUT"), "timeout"],
    [
      "fetch failed with a cause",
      new TypeError("fetch failed", { cause: systemError("ENOTFOUND", "getaddrinfo ENOTFOUND") }),
      "network",
    ],
    ["TimeoutError", Object.assign(new Error("aborted"), { name: "TimeoutError" }), "timeout"],
    ["quota message", new Error("quota exceeded"), "rate_limit"],
    ["rate limit message", new Error("Rate limit reached for requests"), "rate_limit"],
    ["RESOURCE_EXHAUSTED", new Error("RESOURCE_EXHAUSTED: try later"), "rate_limit"],
    ["overloaded message", new Error("overloaded_error: Overloaded"), "overloaded"],
    ["invalid key message", new Error("Invalid API key provided"), "auth"],
    ["timed out message", new Error("request timed out after 30s"), "timeout"],
    ["socket hang up", new Error("socket hang up"), "network"],
    ["command not found", new Error("sh: gemini: command not found"), "binary_missing"],
    ["context too long", new Error("prompt is too long: 250000 tokens"), "bad_request"],
    ["bad JSON", new SyntaxError("Unexpected token < in JSON at position 0"), "malformed_output"],
    ["a user error", new UserError("model x: no script file"), "bad_request"],
    ["a model behaviour error", new ModelBehaviorError("answer has no text"), "malformed_output"],
    ["anything else", new Error("exit status 3"), "nonzero_exit"],
    ["a thrown string", "boom", "nonzero_exit"],
  ];
  it.each(cases)("classifies %s", (_name, thrown, kind) => {
    const error = classifyError(thrown, "m");
    expect(error).toBeInstanceOf(ProviderError);
    expect(error.kind).toBe(kind);
    expect(error.model).toBe("m");
    expect(error.cause).toBe(thrown);
  });

  it("reads retry-after (seconds) and retry-after-ms from response headers", () => {
    expect(classifyError(new HttpError(429, "x", { "retry-after": "7" }), "m").retryAfterMs).toBe(
      7000,
    );
    expect(
      classifyError(new HttpError(429, "x", { "retry-after-ms": "1500", "retry-after": "9" }), "m")
        .retryAfterMs,
    ).toBe(1500);
    const headers = new Headers({ "retry-after": "2" });
    const withFetchHeaders = Object.assign(new Error("429 Too Many Requests"), {
      status: 429,
      headers,
    });
    expect(classifyError(withFetchHeaders, "m")).toMatchObject({
      kind: "rate_limit",
      retryAfterMs: 2000,
      status: 429,
    });
  });
});
