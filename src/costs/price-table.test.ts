import { describe, expect, it } from "vitest";
import { costOf } from "./price.js";
import { lookupPrice, priceTableFromLiteLLM } from "./price-table.js";

/** An excerpt in the shape of LiteLLM's model_prices_and_context_window.json. */
const LITELLM = {
  sample_spec: {
    max_tokens: "LEGACY parameter. set to max_output_tokens if provider specifies it.",
    input_cost_per_token: 0.0,
    output_cost_per_token: 0.0,
    litellm_provider: "one of https://docs.litellm.ai/docs/providers",
  },
  "claude-sonnet-4-5": {
    max_input_tokens: 200_000,
    input_cost_per_token: 3e-6,
    output_cost_per_token: 1.5e-5,
    cache_read_input_token_cost: 3e-7,
    cache_creation_input_token_cost: 3.75e-6,
    input_cost_per_token_above_200k_tokens: 6e-6,
    output_cost_per_token_above_200k_tokens: 2.25e-5,
    cache_read_input_token_cost_above_200k_tokens: 6e-7,
    cache_creation_input_token_cost_above_200k_tokens: 7.5e-6,
    litellm_provider: "anthropic",
    mode: "chat",
  },
  "gemini/gemini-2.5-pro": {
    input_cost_per_token: 1.25e-6,
    output_cost_per_token: 1e-5,
    cache_read_input_token_cost: 1.25e-7,
    input_cost_per_token_above_200k_tokens: 2.5e-6,
    output_cost_per_token_above_200k_tokens: 1.5e-5,
    litellm_provider: "gemini",
    mode: "chat",
  },
  "gemini/gemini-2.5-flash": {
    input_cost_per_token: 3e-7,
    output_cost_per_token: 2.5e-6,
    cache_read_input_token_cost: 7.5e-8,
    litellm_provider: "gemini",
    mode: "chat",
  },
  "dall-e-3": { input_cost_per_pixel: 1e-8, output_cost_per_token: 0, mode: "image_generation" },
  "broken-entry": { input_cost_per_token: "cheap", output_cost_per_token: 1e-6 },
};

describe("priceTableFromLiteLLM", () => {
  const table = priceTableFromLiteLLM(LITELLM);

  it("turns USD per token into USD per million tokens, cache prices included", () => {
    expect(table.entries.get("claude-sonnet-4-5")).toEqual({
      key: "claude-sonnet-4-5",
      provider: "anthropic",
      price: {
        input: 3,
        output: 15,
        cacheRead: 0.3,
        cacheWrite: 3.75,
        above200k: { input: 6, output: 22.5, cacheRead: 0.6, cacheWrite: 7.5 },
      },
    });
  });

  it("imports long-context prices, scaling a missing cache price by the input's ratio", () => {
    expect(table.entries.get("gemini/gemini-2.5-pro")?.price.above200k).toEqual({
      input: 2.5,
      output: 15,
      cacheRead: 0.25,
      cacheWrite: 2.5,
    });
    expect(table.entries.get("gemini/gemini-2.5-flash")?.price.above200k).toBeUndefined();
  });

  it("applies long-context prices only to a call whose input exceeds 200k tokens", () => {
    const pro = lookupPrice(table, "gemini-2.5-pro");
    if (pro === undefined) throw new Error("no price");
    const at = (input: number, cacheRead = 0) =>
      costOf({ input, output: 1000, cacheRead, cacheWrite: 0 }, pro);
    expect(at(200_000)).toBeCloseTo((200_000 * 1.25 + 1000 * 10) / 1e6, 10);
    // Cache reads count towards the 200k, and the whole call moves to the higher prices.
    expect(at(150_000, 60_000)).toBeCloseTo((150_000 * 2.5 + 60_000 * 0.25 + 1000 * 15) / 1e6, 10);
  });

  it("charges a missing cache price at the input price rather than as free", () => {
    expect(table.entries.get("gemini/gemini-2.5-flash")?.price).toEqual({
      input: 0.3,
      output: 2.5,
      cacheRead: 0.075,
      cacheWrite: 0.3,
    });
  });

  it("skips the documentation entry silently and lists entries without token prices", () => {
    expect([...table.entries.keys()]).toEqual([
      "claude-sonnet-4-5",
      "gemini/gemini-2.5-pro",
      "gemini/gemini-2.5-flash",
    ]);
    expect(table.skipped.map((s) => s.key)).toEqual(["dall-e-3", "broken-entry"]);
  });

  it("gives an empty table for a document that is not an object of models", () => {
    expect(priceTableFromLiteLLM([1, 2]).entries.size).toBe(0);
    expect(priceTableFromLiteLLM("x").skipped).toHaveLength(1);
  });

  it("finds a model id with or without the provider prefix", () => {
    expect(lookupPrice(table, "claude-sonnet-4-5")?.output).toBe(15);
    expect(lookupPrice(table, "gemini-2.5-flash")?.input).toBe(0.3);
    expect(lookupPrice(table, "gemini-2.5-ultra")).toBeUndefined();
  });
});
