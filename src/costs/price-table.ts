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
  input_cost_per_token_above_200k_tokens: perToken.nullish(),
  output_cost_per_token_above_200k_tokens: perToken.nullish(),
  cache_read_input_token_cost_above_200k_tokens: perToken.nullish(),
  cache_creation_input_token_cost_above_200k_tokens: perToken.nullish(),
  litellm_provider: z.string().optional(),
});
type LiteLLMEntry = z.output<typeof LiteLLMEntrySchema>;

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
 * accident. Long-context prices (`*_above_200k_tokens`) become `above200k`, applied to calls
 * whose input exceeds 200k tokens; a missing one there falls back to the normal price scaled
 * by the input's long-context ratio.
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
    const price: Prices = basePrices(e);
    const long = longContextPrices(e, price);
    entries.set(key, {
      key,
      ...(e.litellm_provider === undefined ? {} : { provider: e.litellm_provider }),
      price: long === undefined ? price : { ...price, above200k: long },
    });
  }
  return { entries, skipped };
}

function basePrices(e: LiteLLMEntry): Prices {
  return {
    input: perMillion(e.input_cost_per_token),
    output: perMillion(e.output_cost_per_token),
    cacheRead: perMillion(e.cache_read_input_token_cost ?? e.input_cost_per_token),
    cacheWrite: perMillion(e.cache_creation_input_token_cost ?? e.input_cost_per_token),
  };
}

/** The `*_above_200k_tokens` prices, when the entry has a long-context input price. */
function longContextPrices(e: LiteLLMEntry, base: Prices): Prices | undefined {
  const input = e.input_cost_per_token_above_200k_tokens;
  if (input === undefined || input === null) return undefined;
  const ratio = e.input_cost_per_token > 0 ? input / e.input_cost_per_token : 1;
  const scaled = (n: number): number => Number((n * ratio).toPrecision(12));
  const of = (v: number | null | undefined, fallback: number): number =>
    v === undefined || v === null ? fallback : perMillion(v);
  return {
    input: perMillion(input),
    output: of(e.output_cost_per_token_above_200k_tokens, base.output),
    cacheRead: of(e.cache_read_input_token_cost_above_200k_tokens, scaled(base.cacheRead)),
    cacheWrite: of(e.cache_creation_input_token_cost_above_200k_tokens, scaled(base.cacheWrite)),
  };
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
