import type { TokenUsage } from "../core/events.js";
import type { Prices } from "../core/project-config.js";
import type { Role } from "../core/task.js";
import { costOf } from "./price.js";

/** The cost of one call and where the figure came from. */
export interface CallCost {
  readonly usd: number;
  /** `vendor`: the CLI's or API's own figure (e.g. Claude Code's `total_cost_usd`). */
  readonly source: "vendor" | "prices";
}

/**
 * The cost of one call: the vendor's own figure when it gave a usable one (it knows about
 * discounts, tiers and long-context prices that a price table does not), else the normalised
 * usage priced with the model's price table.
 */
export function costOfCall(usage: TokenUsage, price: Prices, vendorCostUsd?: number): CallCost {
  if (vendorCostUsd !== undefined && Number.isFinite(vendorCostUsd) && vendorCostUsd >= 0) {
    return { usd: vendorCostUsd, source: "vendor" };
  }
  return { usd: costOf(usage, price), source: "prices" };
}

/**
 * Output tokens to reserve for a call when nothing better is known: plans and edits are long,
 * review verdicts short. Generous on purpose; the actual cost settles the reservation.
 */
export const EXPECTED_OUTPUT_TOKENS: Readonly<Record<Role, number>> = {
  planner: 4000,
  plan_reviewer: 1500,
  implementer: 8000,
  code_reviewer: 1500,
};

/** Characters per token for estimates, the same rule of thumb the prompt budget uses. */
export const CHARS_PER_TOKEN = 4;

/**
 * A call's cost before it is made: the prompt's tokens (about 4 characters each) as input, of
 * which `cachedFraction` is expected to be read from the cache, plus the expected output.
 * Used to reserve budget; the actual cost settles it afterwards.
 */
export function estimateCallCost(
  promptChars: number,
  expectedOutputTokens: number,
  price: Prices,
  cachedFraction = 0,
): number {
  const promptTokens = Math.ceil(Math.max(0, promptChars) / CHARS_PER_TOKEN);
  const fraction = Math.min(1, Math.max(0, cachedFraction));
  const cacheRead = Math.round(promptTokens * fraction);
  return costOf(
    {
      input: promptTokens - cacheRead,
      output: Math.max(0, Math.ceil(expectedOutputTokens)),
      cacheRead,
      cacheWrite: 0,
    },
    price,
  );
}
