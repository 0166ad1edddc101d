import type { ModelProvider } from "../core/ports.js";
import type { ModelSpec, ModelsConfig } from "../core/project-config.js";

/** What `orchestrator doctor` found about one configured model. */
export interface ModelDiagnosis {
  readonly name: string;
  readonly provider: string;
  readonly family: string;
  readonly tier: string;
  /** Whether the routing rules or the ladder can pick it; only these decide the exit code. */
  readonly routed: boolean;
  /** `ok`: usable; `problem`: not usable; `unchecked`: its provider has no check. */
  readonly status: "ok" | "problem" | "unchecked";
  /** e.g. `claude 2.1.0 at /usr/local/bin/claude`, `key in ANTHROPIC_API_KEY`. */
  readonly found?: string;
  readonly version?: string;
  readonly problems: readonly string[];
  /** One line each: how to fix the problems. */
  readonly fixes: readonly string[];
}

export interface DoctorReport {
  /** True when every model the routing can pick is usable (or cannot be checked). */
  readonly ok: boolean;
  readonly offline: boolean;
  readonly models: readonly ModelDiagnosis[];
}

/** The models the routing rules (any candidate of any rule) and the ladder can pick. */
export function pickableModels(models: ModelsConfig): Set<string> {
  return new Set([
    ...models.routing.rules.flatMap((rule) => rule.use),
    ...(models.routing.ladder ?? []),
  ]);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function diagnose(
  spec: ModelSpec,
  routed: boolean,
  providerFor: (spec: ModelSpec) => ModelProvider,
  options: { offline: boolean; signal?: AbortSignal },
): Promise<ModelDiagnosis> {
  const base = {
    name: spec.name,
    provider: spec.provider,
    family: spec.family,
    tier: spec.tier,
    routed,
  };
  let provider: ModelProvider;
  try {
    provider = providerFor(spec);
  } catch (error) {
    return {
      ...base,
      status: "problem",
      problems: [messageOf(error)],
      fixes: [
        `use another provider for model ${spec.name}, or route its roles to a model that can run`,
      ],
    };
  }
  if (provider.check === undefined) {
    if (spec.provider === "scripted") {
      return {
        ...base,
        status: "ok",
        found: `answers from ${spec.script ?? "its script"}`,
        problems: [],
        fixes: [],
      };
    }
    return { ...base, status: "unchecked", found: "no check available", problems: [], fixes: [] };
  }
  try {
    const check = await provider.check({
      offline: options.offline,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    return {
      ...base,
      status: check.ok ? "ok" : "problem",
      ...(check.found === undefined ? {} : { found: check.found }),
      ...(check.version === undefined ? {} : { version: check.version }),
      problems: check.ok || check.problems.length > 0 ? check.problems : ["the check failed"],
      fixes: check.fixes,
    };
  } catch (error) {
    return {
      ...base,
      status: "problem",
      problems: [`the check failed: ${messageOf(error)}`],
      fixes: [
        `run \`orchestrator doctor\` again; if it persists, check model ${spec.name}'s setup`,
      ],
    };
  }
}

/**
 * Checks every configured model, concurrently: provider kind, binary or key, version and
 * (unless `offline`) a one-token call, or (offline) the CLI's credentials. Models nobody can
 * pick are shown but do not fail. The report lists the models in configuration order.
 */
export async function runDoctor(
  models: ModelsConfig,
  providerFor: (spec: ModelSpec) => ModelProvider,
  options: {
    offline: boolean;
    signal?: AbortSignal;
    /** Called with each model's result as soon as its check ends (in the order they end). */
    onResult?: (diagnosis: ModelDiagnosis) => void;
  },
): Promise<DoctorReport> {
  const pickable = pickableModels(models);
  const diagnoses = await Promise.all(
    [...models.models.values()].map(async (spec) => {
      const diagnosis = await diagnose(spec, pickable.has(spec.name), providerFor, options);
      options.onResult?.(diagnosis);
      return diagnosis;
    }),
  );
  return {
    ok: diagnoses.every((d) => !d.routed || d.status !== "problem"),
    offline: options.offline,
    models: diagnoses,
  };
}
