import { describe, expect, it } from "vitest";
import { PROVIDER_ERROR_KINDS } from "../../core/provider-errors.js";
import { backoffDelay, coolsDownAtOnce, retriesAllowed } from "./retry-policy.js";

describe("retriesAllowed", () => {
  it("retries transient kinds up to max_retries, a timeout and a nonzero exit once, the rest never", () => {
    const table = Object.fromEntries(PROVIDER_ERROR_KINDS.map((k) => [k, retriesAllowed(k, 3)]));
    expect(table).toEqual({
      auth: 0,
      rate_limit: 3,
      overloaded: 3,
      timeout: 1,
      bad_request: 0,
      malformed_output: 0,
      binary_missing: 0,
      nonzero_exit: 1,
      network: 3,
    });
    expect(retriesAllowed("nonzero_exit", 0)).toBe(0);
    expect(retriesAllowed("rate_limit", 0)).toBe(0);
  });

  it("cools a model down at once only for failures that do not heal by themselves", () => {
    expect(PROVIDER_ERROR_KINDS.filter(coolsDownAtOnce)).toEqual(["auth", "binary_missing"]);
  });
});

describe("backoffDelay", () => {
  const settings = { baseDelayMs: 2_000, maxDelayMs: 60_000 };

  it("draws below a ceiling that doubles per retry up to max_delay (full jitter)", () => {
    const top = () => 0.999_999;
    expect([0, 1, 2, 3, 4, 5, 6].map((r) => backoffDelay(r, settings, top))).toEqual([
      1999, 3999, 7999, 15_999, 31_999, 59_999, 59_999,
    ]);
    expect(backoffDelay(3, settings, () => 0)).toBe(0);
    expect(backoffDelay(1, settings, () => 0.5)).toBe(2000);
  });

  it("stays within [0, ceiling) for many random draws, and actually varies", () => {
    const seen = new Set<number>();
    for (let i = 0; i < 500; i++) {
      const d = backoffDelay(2, settings, Math.random);
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThan(8_000);
      seen.add(d);
    }
    expect(seen.size).toBeGreaterThan(100);
  });

  it("waits at least a server's retry-after, but never longer than max_delay", () => {
    expect(backoffDelay(0, settings, () => 0, 5_000)).toBe(5_000);
    expect(backoffDelay(4, settings, () => 0.9, 5_000)).toBe(28_800);
    expect(backoffDelay(0, settings, () => 0, 600_000)).toBe(60_000);
  });
});
