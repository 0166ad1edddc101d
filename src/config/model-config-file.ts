import { resolve } from "node:path";
import type { z } from "zod";
import type { LearnedSettings, ModelSpec, ModelsConfig } from "../core/project-config.js";
import { DEFAULT_RESILIENCE } from "../core/project-config.js";
import { checkRouting } from "./cross-review-check.js";
import { didYouMean, isRecord } from "./describe.js";
import { DEFAULT_MODELS, DEFAULT_RULES } from "./defaults.js";
import { isFile } from "./file-checks.js";
import { modelSpecFromRaw, routingRuleFromRaw } from "./raw-config.js";
import type { RawModel } from "./file-schemas.js";
import {
  GithubSchema,
  ModelConfigFileSchema,
  NOTIFY_EVENTS,
  NotifySchema,
  RawModelSchema,
  RawRuleSchema,
  MemorySchema,
  ResilienceSchema,
  RoutingSchema,
} from "./file-schemas.js";
import { parseDuration } from "./duration.js";
import type { FieldPath, SourceFile } from "./yaml-source.js";
import { validateAt } from "./zod-problems.js";

/**
 * Reads a parsed `model_config.yaml` (an empty document gives the built-in defaults), reporting
 * every problem to the source file. `taskAreas` are the areas tasks use, so the routing check
 * covers them too.
 */
export async function readModelConfigFile(
  source: SourceFile,
  configDir: string,
  taskAreas: readonly string[],
): Promise<ModelsConfig> {
  const data: unknown = source.toJS() ?? {};
  const valid = validateAt(source, ModelConfigFileSchema, data) !== undefined;
  const raw = isRecord(data) ? data : {};

  const models = new Map<string, ModelSpec>();
  const rawModels = isRecord(raw.models) ? raw.models : DEFAULT_MODELS;
  for (const [name, value] of Object.entries(rawModels)) {
    const parsed = RawModelSchema.safeParse(value).data;
    if (parsed === undefined) continue;
    const spec = await toModelSpec(source, configDir, name, parsed);
    if (spec !== undefined) models.set(name, spec);
  }

  const routing = RoutingSchema.safeParse(raw.routing ?? {}).data ?? RoutingSchema.parse({});
  const rawRules =
    isRecord(raw.routing) && Array.isArray(raw.routing.rules) ? raw.routing.rules : undefined;
  const rules = (rawRules ?? DEFAULT_RULES).map((rule, i) => {
    const parsed = RawRuleSchema.safeParse(rule).data;
    return parsed === undefined ? undefined : routingRuleFromRaw(parsed, i + 1);
  });
  const config: ModelsConfig = {
    models,
    routing: {
      strategy: routing.strategy,
      crossReview: routing.cross_review,
      implementerMode: routing.implementer_mode,
      rules: rules.filter((r) => r !== undefined),
      ...(routing.ladder === undefined ? {} : { ladder: routing.ladder }),
      ...(routing.learned === undefined ? {} : { learned: learnedOf(routing.learned) }),
    },
    ...budgetsOf(raw.budgets),
    ...storeOf(raw.store),
    ...limitsOf(raw.limits),
    ...resilienceOf(source, raw.resilience),
    ...memoryOf(source, raw.memory),
    ...notifyOf(raw.notify),
    ...concurrencyOf(raw.concurrency),
    ...githubOf(raw.github),
    ...(typeof raw.worktrees_dir === "string" && raw.worktrees_dir !== ""
      ? { worktreesDir: raw.worktrees_dir }
      : {}),
  };
  checkLadder(source, config, Object.keys(rawModels));

  const namesOk = checkModelNames(source, config, rawRules, rawModels);
  // Coverage and cross-review are only meaningful once every rule and model is valid.
  if (valid && namesOk && models.size === Object.keys(rawModels).length) {
    for (const problem of checkRouting(config, taskAreas)) {
      const path: FieldPath =
        problem.ruleIndex === undefined
          ? ["routing", "rules"]
          : ["routing", "rules", problem.ruleIndex - 1];
      source.report(path, problem.message);
    }
  }
  return config;
}

async function toModelSpec(
  source: SourceFile,
  configDir: string,
  name: string,
  raw: RawModel,
): Promise<ModelSpec | undefined> {
  let script: string | undefined;
  if (raw.script !== undefined) {
    script = resolve(configDir, raw.script);
    if (!(await isFile(script))) {
      source.report(
        ["models", name, "script"],
        `expected a script file relative to .orchestrator/, found "${raw.script}" (not found)`,
      );
      return undefined;
    }
  } else if (raw.provider === "scripted") {
    source.report(
      ["models", name, "script"],
      `missing required key "script" (required for provider scripted)`,
    );
    return undefined;
  }
  return { ...modelSpecFromRaw(name, raw), ...(script === undefined ? {} : { script }) };
}

/** Reports `use:` names that are not models; true when every name is known. */
function checkModelNames(
  source: SourceFile,
  config: ModelsConfig,
  rawRules: readonly unknown[] | undefined,
  rawModels: Readonly<Record<string, unknown>>,
): boolean {
  const known = Object.keys(rawModels);
  const missing = new Set<string>();
  for (const rule of config.routing.rules) {
    rule.use.forEach((name, j) => {
      if (Object.hasOwn(rawModels, name)) return;
      missing.add(name);
      if (rawRules === undefined) return;
      const hint = didYouMean(name, known);
      const path: FieldPath = ["routing", "rules", rule.index - 1, "use"];
      const rawRule = rawRules[rule.index - 1];
      const single = isRecord(rawRule) && typeof rawRule.use === "string";
      source.report(
        single ? path : [...path, j],
        `unknown model "${name}"${hint === "" ? `; expected one of ${known.join(", ")}` : hint}`,
      );
    });
  }
  if (rawRules === undefined && missing.size > 0) {
    source.report(
      ["routing"],
      `routing.rules is not set and the default rules use models ${[...missing].join(", ")}, ` +
        `which are not defined under models:; add routing.rules or define them`,
    );
  }
  return missing.size === 0;
}

function learnedOf(raw: NonNullable<z.output<typeof RoutingSchema>["learned"]>): LearnedSettings {
  return {
    ...(raw.min_samples === undefined ? {} : { minSamples: raw.min_samples }),
    ...(raw.success_threshold === undefined ? {} : { successThreshold: raw.success_threshold }),
    ...(raw.explore === undefined ? {} : { explore: raw.explore }),
    ...(raw.prior_weight === undefined ? {} : { priorWeight: raw.prior_weight }),
    ...(raw.success_value === undefined ? {} : { successValue: raw.success_value }),
  };
}

function storeOf(raw: unknown): Pick<ModelsConfig, "store"> {
  const parsed = ModelConfigFileSchema.shape.store.safeParse(raw).data;
  return parsed === undefined || parsed === "sqlite" ? {} : { store: parsed };
}

function concurrencyOf(raw: unknown): Pick<ModelsConfig, "concurrency"> {
  const parsed = ModelConfigFileSchema.shape.concurrency.safeParse(raw).data;
  return parsed === undefined ? {} : { concurrency: parsed };
}

function budgetsOf(raw: unknown): Pick<ModelsConfig, "budgets"> {
  const parsed = ModelConfigFileSchema.shape.budgets.safeParse(raw).data;
  if (parsed === undefined) return {};
  return {
    budgets: {
      warnFraction: parsed.warn_at,
      ...(parsed.daily_usd === undefined ? {} : { dailyUsd: parsed.daily_usd }),
      ...(parsed.monthly_usd === undefined ? {} : { monthlyUsd: parsed.monthly_usd }),
      ...(parsed.task_usd === undefined ? {} : { taskUsd: parsed.task_usd }),
    },
  };
}

function limitsOf(raw: unknown): Pick<ModelsConfig, "limits"> {
  const parsed = ModelConfigFileSchema.shape.limits.safeParse(raw).data;
  if (parsed === undefined) return {};
  return {
    limits: { maxPlanSteps: parsed.max_plan_steps, maxFilesPerStep: parsed.max_files_per_step },
  };
}

function githubOf(raw: unknown): Pick<ModelsConfig, "github"> {
  if (raw === undefined) return {};
  const g = GithubSchema.safeParse(raw).data;
  if (g === undefined) return {};
  const [owner = "", name = ""] = g.repo.split("/");
  return {
    github: {
      owner,
      name,
      apiUrl: g.api_url.replace(/\/+$/, ""),
      remote: g.remote,
      ...(g.base === undefined ? {} : { base: g.base }),
      labels: g.labels,
      reviewers: g.reviewers,
      draftOnHuman: g.draft_on_human,
      tokenEnv: g.token_env,
      ...(g.app === undefined
        ? {}
        : {
            app: {
              appIdEnv: g.app.app_id_env,
              installationIdEnv: g.app.installation_id_env,
              privateKeyEnv: g.app.private_key_env,
            },
          }),
      taskLabels: {
        riskPrefix: g.task_labels.risk_prefix,
        areaPrefix: g.task_labels.area_prefix,
        priorityPrefix: g.task_labels.priority_prefix,
      },
    },
  };
}

/** `resilience:` in milliseconds; a `base_delay` longer than `max_delay` is reported. */
function resilienceOf(source: SourceFile, raw: unknown): Pick<ModelsConfig, "resilience"> {
  if (raw === undefined) return {};
  const parsed = ResilienceSchema.safeParse(raw).data;
  if (parsed === undefined) return {};
  const baseDelayMs = parseDuration(parsed.base_delay) ?? DEFAULT_RESILIENCE.baseDelayMs;
  const maxDelayMs = parseDuration(parsed.max_delay) ?? DEFAULT_RESILIENCE.maxDelayMs;
  if (baseDelayMs > maxDelayMs) {
    source.report(
      ["resilience", "base_delay"],
      `expected a base_delay no longer than max_delay (${String(parsed.max_delay)}), found ${String(parsed.base_delay)}`,
    );
  }
  return {
    resilience: {
      maxRetries: parsed.max_retries,
      baseDelayMs,
      maxDelayMs,
      cooldownAfter: parsed.cooldown_after,
      cooldownMs: parseDuration(parsed.cooldown) ?? DEFAULT_RESILIENCE.cooldownMs,
      fallback: parsed.fallback,
    },
  };
}

/** `memory:` normalised; `backend: rae` without `rae:` is reported. */
function memoryOf(source: SourceFile, raw: unknown): Pick<ModelsConfig, "memory"> {
  if (raw === undefined) return {};
  const parsed = MemorySchema.safeParse(raw).data;
  if (parsed === undefined) return {};
  if (parsed.backend === "rae" && parsed.rae === undefined) {
    source.report(["memory", "rae"], "expected rae: { url, tenant } when backend is rae");
  }
  const rae = parsed.rae;
  return {
    memory: {
      backend: parsed.backend,
      tokenBudget: parsed.token_budget,
      ...(rae === undefined
        ? {}
        : {
            rae: {
              url: rae.url,
              apiKeyEnv: rae.api_key_env,
              tenant: rae.tenant,
              ...(rae.project === undefined ? {} : { project: rae.project }),
              timeoutMs: parseDuration(rae.timeout) ?? 5000,
            },
          }),
    },
  };
}

/** `notify:` with defaults filled in; problems were reported by the file's validation. */
function notifyOf(raw: unknown): Pick<ModelsConfig, "notify"> {
  if (raw === undefined) return {};
  const parsed = NotifySchema.safeParse(raw).data;
  if (parsed === undefined) return {};
  return {
    notify: {
      webhooks: parsed.webhooks.map((w, i) => ({
        name: w.name ?? `webhook-${i + 1}`,
        url: w.url,
        format: w.format,
        events: w.events ?? NOTIFY_EVENTS,
        headers: w.headers ?? {},
      })),
      ...(parsed.dashboard_url === undefined ? {} : { dashboardUrl: parsed.dashboard_url }),
      anomalyFactor: parsed.anomaly_factor,
      anomalyMinSamples: parsed.anomaly_min_samples,
      maxAttempts: parsed.max_attempts,
      baseDelayMs: parseDuration(parsed.base_delay) ?? 1000,
    },
  };
}

/** Reports ladder rungs that are not models. */
function checkLadder(source: SourceFile, config: ModelsConfig, known: readonly string[]): void {
  config.routing.ladder?.forEach((name, j) => {
    if (known.includes(name)) return;
    const hint = didYouMean(name, known);
    source.report(
      ["routing", "ladder", j],
      `unknown model "${name}"${hint === "" ? `; expected one of ${known.join(", ")}` : hint}`,
    );
  });
}
