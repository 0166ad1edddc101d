import { z } from "zod";
import type { Prices } from "../core/project-config.js";

/** One model's prices from an imported table (USD per million tokens, like `Prices`). */
export interface PriceEntry {
  /** The key in the source file, e.g. `claude-sonnet-4-5` or `gemini/gemini-2.5-pro`. */
  readonly key: string;
  /** LiteLLM's `litellm_provider`, when given. */
  readonly provider?: string;
  readonly price: Prices;
}

/** An imported price table: entries by key, and the keys that were skipped with why. */
export interface PriceTable {
  readonly entries: ReadonlyMap<string, PriceEntry>;
  readonly skipped: readonly { readonly key: string; readonly reason: string }[];
}

const perToken = z.number().nonnegative();

/** The fields of a LiteLLM `model_prices_and_context_window.json` entry we use (USD per token). */
const LiteLLMEntrySchema = z.looseObject({
  input_cost_per_token: perToken,
  output_cost_per_token: perToken,
  cache_read_input_token_cost: perToken.nullish(),
  cache_creation_input_token_cost: perToken.nullish(),
  litellm_provider: z.string().optional(),
});

const TableSchema = z.record(z.string(), z.unknown());

/** The documentation entry at the top of LiteLLM's file, not a model. */
const SAMPLE_KEY = "sample_spec";

/** USD per token to USD per million tokens, without binary fractions like 3.0000000000000004. */
function perMillion(usdPerToken: number): number {
  return Number((usdPerToken * 1_000_000).toPrecision(12));
}

/**
 * Imports LiteLLM's `model_prices_and_context_window.json` (an object of model key -> entry with
 * USD-per-token costs). Entries without per-token input and output prices (image, audio or
 * per-second models, the `sample_spec` documentation entry) are skipped and listed. A missing
 * cache price is taken as the input price, so cached tokens are never counted as free by
 * accident. Tiered prices (`*_above_200k_tokens`) are not used.
 */
export function priceTableFromLiteLLM(json: unknown): PriceTable {
  const table = TableSchema.safeParse(json);
  if (!table.success) {
    return { entries: new Map(), skipped: [{ key: "", reason: "not a JSON object of models" }] };
  }
  const entries = new Map<string, PriceEntry>();
  const skipped: { key: string; reason: string }[] = [];
  for (const [key, value] of Object.entries(table.data)) {
    if (key === SAMPLE_KEY) continue;
    const parsed = LiteLLMEntrySchema.safeParse(value);
    if (!parsed.success) {
      skipped.push({ key, reason: "no per-token input and output prices" });
      continue;
    }
    const e = parsed.data;
    const input = perMillion(e.input_cost_per_token);
    entries.set(key, {
      key,
      ...(e.litellm_provider === undefined ? {} : { provider: e.litellm_provider }),
      price: {
        input,
        output: perMillion(e.output_cost_per_token),
        cacheRead: perMillion(e.cache_read_input_token_cost ?? e.input_cost_per_token),
        cacheWrite: perMillion(e.cache_creation_input_token_cost ?? e.input_cost_per_token),
      },
    });
  }
  return { entries, skipped };
}

/**
 * The prices of a vendor model id: the exact key first, then a provider-prefixed key
 * (`gemini/gemini-2.5-pro` for `gemini-2.5-pro`); undefined when the table does not have it.
 */
export function lookupPrice(table: PriceTable, modelId: string): Prices | undefined {
  const exact = table.entries.get(modelId);
  if (exact) return exact.price;
  for (const [key, entry] of table.entries) {
    if (key.endsWith(`/${modelId}`)) return entry.price;
  }
  return undefined;
}
