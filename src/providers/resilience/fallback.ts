import type { ModelSpec } from "../../core/project-config.js";

/** The models that may stand in for a failing one, or why there are none. */
export interface Alternatives {
  readonly models: readonly ModelSpec[];
  /** Set when `models` is empty: why, in words, for the escalation message. */
  readonly none?: string;
}

/**
 * The configured models that may replace `primary`: the other models of its tier, in
 * configuration order, that `allowed` accepts (the caller's cross-review rule).
 */
export function sameTierAlternatives(
  pool: Iterable<ModelSpec>,
  primary: ModelSpec,
  allowed: (model: ModelSpec) => boolean,
): Alternatives {
  const sameTier = [...pool].filter((m) => m.tier === primary.tier && m.name !== primary.name);
  const models = sameTier.filter(allowed);
  if (models.length > 0) return { models };
  if (sameTier.length === 0) {
    return { models, none: `no other model of tier ${primary.tier} is configured` };
  }
  return {
    models,
    none:
      `the other ${primary.tier}-tier models (${sameTier.map((m) => m.name).join(", ")}) ` +
      `would break the cross-review rule`,
  };
}
