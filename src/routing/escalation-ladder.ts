import type { ModelSpec, ModelsConfig, Tier } from "../core/project-config.js";
import { canBeReviewed } from "./cross-review.js";
import type { RouteDecision, RouteRequest } from "./rule-router.js";

const TIER_RANK: Readonly<Record<Tier, number>> = { cheap: 0, medium: 1, strong: 2 };

/** A decision for a retry: the next model up, or the same one at the top of the ladder. */
export interface EscalationDecision extends RouteDecision {
  /** False when no stronger model could be used and the failed model is tried again. */
  readonly escalated: boolean;
}

/**
 * A ladder from the configured models when none is given: cheapest tier first, and within a
 * tier by price (input plus output per million tokens).
 */
export function defaultLadder(config: ModelsConfig): string[] {
  const price = (m: ModelSpec): number => m.price.input + m.price.output;
  return [...config.models.values()]
    .sort((a, b) => TIER_RANK[a.tier] - TIER_RANK[b.tier] || price(a) - price(b))
    .map((m) => m.name);
}

/** Names in a ladder that are not configured models (for config validation). */
export function unknownLadderModels(config: ModelsConfig, ladder: readonly string[]): string[] {
  return ladder.filter((name) => !config.models.has(name));
}

/** Where to start looking above the failed model: after it, or above its tier when not listed. */
function startIndex(config: ModelsConfig, ladder: readonly string[], failed: ModelSpec): number {
  const at = ladder.indexOf(failed.name);
  if (at >= 0) return at + 1;
  const above = ladder.findIndex((name) => {
    const m = config.models.get(name);
    return m !== undefined && TIER_RANK[m.tier] > TIER_RANK[failed.tier];
  });
  return above >= 0 ? above : ladder.length;
}

/**
 * The model for the retry of a failed attempt: the next model up the ladder (e.g. flash -> pro
 * -> sonnet -> opus) that still leaves a configured reviewer of another family for the work,
 * skipping those that would make the cross-review impossible. At the top of the ladder (or
 * when nothing above can be reviewed) the failed model is used again.
 */
export function nextOnLadder(
  config: ModelsConfig,
  ladder: readonly string[],
  failed: ModelSpec,
  req: RouteRequest,
): EscalationDecision {
  const skipped: string[] = [];
  for (let i = startIndex(config, ladder, failed); i < ladder.length; i++) {
    const name = ladder[i] ?? "";
    const model = config.models.get(name);
    if (model === undefined || model.name === failed.name) continue;
    if (!canBeReviewed(config, req, model)) {
      skipped.push(name);
      continue;
    }
    const skip =
      skipped.length > 0 ? `; skipped ${skipped.join(", ")}: no reviewer of another family` : "";
    return {
      model,
      escalated: true,
      reason: `${req.role}=${model.name} (escalated after ${failed.name} failed${skip})`,
    };
  }
  const why =
    skipped.length > 0
      ? `nothing above can be cross-reviewed (${skipped.join(", ")})`
      : "top of the ladder";
  return {
    model: failed,
    escalated: false,
    reason: `${req.role}=${failed.name} (retry on the same model: ${why})`,
  };
}
