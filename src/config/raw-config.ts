import { DEFAULT_MODELS, DEFAULT_RULES } from "./defaults.js";
import { parseDuration } from "./duration.js";
import type { RawModel, RawRule } from "./file-schemas.js";
import type { ModelSpec, ModelsConfig, RoutingRule } from "../core/project-config.js";

const asList = <T extends string>(value: T | readonly T[]): readonly T[] =>
  typeof value === "string" ? [value] : value;

/**
 * A validated `models:` entry as a model spec. Pure: a scripted model's `script` is resolved and
 * checked by the loader, which adds it.
 */
export function modelSpecFromRaw(name: string, raw: RawModel): ModelSpec {
  return {
    name,
    provider: raw.provider,
    model: raw.model,
    family: raw.family,
    tier: raw.tier,
    price: {
      input: raw.price?.input ?? 0,
      output: raw.price?.output ?? 0,
      cacheRead: raw.price?.cache_read ?? 0,
      cacheWrite: raw.price?.cache_write ?? 0,
    },
    args: raw.args,
    env: raw.env,
    timeoutMs: parseDuration(raw.timeout) ?? 0,
    ...(raw.binary === undefined ? {} : { binary: raw.binary }),
    ...(raw.base_url === undefined ? {} : { baseUrl: raw.base_url }),
    ...(raw.api_key_env === undefined ? {} : { apiKeyEnv: raw.api_key_env }),
    ...(raw.permission_mode === undefined ? {} : { permissionMode: raw.permission_mode }),
    ...(raw.allowed_tools === undefined ? {} : { allowedTools: raw.allowed_tools }),
    ...(raw.max_concurrency === undefined ? {} : { maxConcurrency: raw.max_concurrency }),
    ...(raw.session === undefined ? {} : { session: raw.session }),
  };
}

/** A validated `routing.rules:` entry as a rule (1-based index). */
export function routingRuleFromRaw(raw: RawRule, index: number): RoutingRule {
  return {
    roles: asList(raw.role),
    ...(raw.risk === undefined ? {} : { risks: asList(raw.risk) }),
    ...(raw.area === undefined ? {} : { areas: asList(raw.area) }),
    ...(raw.step_type === undefined ? {} : { stepTypes: asList(raw.step_type) }),
    use: asList(raw.use),
    reason: raw.reason ?? `rule ${index}`,
    index,
  };
}

/**
 * A models configuration from validated raw entries, for simulations and tests that do not
 * read `model_config.yaml`: by default the seed's three models and its routing matrix.
 */
export function modelsConfigFromRaw(
  models: Readonly<Record<string, RawModel>> = DEFAULT_MODELS,
  rules: readonly RawRule[] = DEFAULT_RULES,
  strategy: "rules" | "learned" = "rules",
): ModelsConfig {
  return {
    models: new Map(
      Object.entries(models).map(([name, raw]) => [name, modelSpecFromRaw(name, raw)]),
    ),
    routing: {
      strategy,
      crossReview: true,
      implementerMode: "text",
      rules: rules.map((rule, i) => routingRuleFromRaw(rule, i + 1)),
    },
  };
}
