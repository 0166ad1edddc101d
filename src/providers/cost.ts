import type { TokenUsage } from "../core/events.js";
import type { Prices } from "../core/project-config.js";

/** Cost in USD of one call; prices are per million tokens, usage is normalised (no overlap). */
export function costOf(usage: TokenUsage, price: Prices): number {
  return (
    (usage.input * price.input +
      usage.output * price.output +
      usage.cacheRead * price.cacheRead +
      usage.cacheWrite * price.cacheWrite) /
    1_000_000
  );
}
