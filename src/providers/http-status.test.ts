import { describe, expect, it } from "vitest";
import { kindOfStatus, parseRetryAfter, retryAfterFromHeaders } from "./http-status.js";
import { retriesAllowed } from "./resilience/retry-policy.js";

describe("kindOfStatus", () => {
  it("retries 408, 409, 429 and 5xx up to max_retries and other 4xx never", () => {
    const retries = (s: number) => retriesAllowed(kindOfStatus(s) ?? "bad_request", 3);
    // A 408 answers at once, so it is not a hung call's single retry.
    expect([408, 409, 429, 500, 502, 503, 504, 529].map(retries)).toEqual([3, 3, 3, 3, 3, 3, 3, 3]);
    expect([400, 401, 403, 404, 413, 422].map(retries)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(kindOfStatus(200)).toBeUndefined();
  });
});

describe("parseRetryAfter", () => {
  it("takes seconds or an HTTP date", () => {
    expect(parseRetryAfter("3")).toBe(3000);
    expect(parseRetryAfter("0.5")).toBe(500);
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(parseRetryAfter("Thu, 01 Jan 2026 00:00:10 GMT", now)).toBe(10_000);
    expect(parseRetryAfter("Wed, 31 Dec 2025 23:59:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon")).toBeUndefined();
    expect(parseRetryAfter("")).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter("-1")).toBeUndefined();
  });
});

describe("retryAfterFromHeaders", () => {
  it("prefers retry-after-ms, else reads retry-after", () => {
    const from = (headers: Record<string, string>) =>
      retryAfterFromHeaders((name) => headers[name]);
    expect(from({ "retry-after-ms": "1499.6", "retry-after": "9" })).toBe(1500);
    expect(from({ "retry-after-ms": " ", "retry-after": "9" })).toBe(9000);
    expect(from({ "retry-after-ms": "-5", "retry-after": "2" })).toBe(2000);
    expect(from({})).toBeUndefined();
  });
});
