import { describe, expect, it } from "vitest";
import type { Prices } from "../core/project-config.js";
import { costOfCall, estimateCallCost } from "./call-cost.js";

const price: Prices = { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 };
const usage = { input: 1000, output: 1000, cacheRead: 10_000, cacheWrite: 0 };

describe("costOfCall", () => {
  it("prices normalised usage when the vendor gave no figure", () => {
    expect(costOfCall(usage, price)).toEqual({ usd: 0.021, source: "prices" });
  });

  it("prefers the vendor's own figure, even when it differs from the table", () => {
    expect(costOfCall(usage, price, 0.0301)).toEqual({ usd: 0.0301, source: "vendor" });
    expect(costOfCall(usage, price, 0)).toEqual({ usd: 0, source: "vendor" });
  });

  it("ignores an unusable vendor figure", () => {
    expect(costOfCall(usage, price, Number.NaN).source).toBe("prices");
    expect(costOfCall(usage, price, -1).source).toBe("prices");
  });
});

describe("estimateCallCost", () => {
  it("counts about four characters per token of prompt", () => {
    // 8000 chars = 2000 tokens · $3 + 1000 output tokens · $15, per million.
    expect(estimateCallCost(8000, 1000, price)).toBeCloseTo(0.021, 10);
  });

  it("prices the expected cached share of the prompt at the cache-read price", () => {
    // 2000 tokens, half cached: 1000·3 + 1000·0.3 per million, no output.
    expect(estimateCallCost(8000, 0, price, 0.5)).toBeCloseTo(0.0033, 10);
  });
});
