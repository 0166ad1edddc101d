import type { TokenUsage } from "../core/events.js";
import type { Prices } from "../core/project-config.js";

/** Input tokens above which `Prices.above200k` applies to the whole call. */
export const LONG_CONTEXT_TOKENS = 200_000;

/**
 * Cost in USD of one call; prices are per million tokens, usage is normalised (no overlap).
 * A call whose input (uncached + cache reads + cache writes) exceeds 200k tokens is priced
 * entirely at the model's long-context prices when it has them. Cache writes to a 1-hour cache
 * (`cacheWrite1h`, part of `cacheWrite`) cost 2x the input price, 5-minute ones `cacheWrite`.
 */
export function costOf(usage: TokenUsage, price: Prices): number {
  const inputTotal = usage.input + usage.cacheRead + usage.cacheWrite;
  const p = inputTotal > LONG_CONTEXT_TOKENS && price.above200k ? price.above200k : price;
  const hour = Math.min(usage.cacheWrite1h ?? 0, usage.cacheWrite);
  return (
    (usage.input * p.input +
      usage.output * p.output +
      usage.cacheRead * p.cacheRead +
      (usage.cacheWrite - hour) * p.cacheWrite +
      hour * 2 * p.input) /
    1_000_000
  );
}
