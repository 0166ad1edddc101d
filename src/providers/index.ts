import { UserError } from "../core/errors.js";
import type { ModelProvider, ModelRequest, ModelResponse } from "../core/ports.js";
import type { ModelSpec } from "../core/project-config.js";
import type { ProviderCheck } from "../core/provider-errors.js";
import { createCliProvider } from "./cli/index.js";
import { ScriptedProvider } from "./scripted-provider.js";

export { ScriptedProvider, loadScript, pickAnswer, ScriptSchema } from "./scripted-provider.js";
export type { Script } from "./scripted-provider.js";
export { costOf } from "../costs/price.js";

type ApiKind = "anthropic" | "gemini" | "openai-compatible" | "ollama";

/** Loads an API adapter's module (and with it the vendor's SDK) only when it is first used. */
const API_ADAPTERS: Record<ApiKind, (spec: ModelSpec) => Promise<ModelProvider>> = {
  anthropic: async (spec) => new (await import("./sdk/anthropic.js")).AnthropicProvider(spec),
  gemini: async (spec) => new (await import("./sdk/gemini.js")).GeminiProvider(spec),
  "openai-compatible": async (spec) =>
    new (await import("./sdk/openai-compatible.js")).OpenAICompatibleProvider(spec),
  ollama: async (spec) => new (await import("./sdk/ollama.js")).OllamaProvider(spec),
};

/**
 * An API model whose adapter is loaded at its first call or check: the SDKs take about as long
 * to import as the rest of the CLI, and most commands (`status`, `validate`, `log`) never call
 * a model.
 */
class LazyApiProvider implements ModelProvider {
  readonly name: string;
  readonly family: string;
  private loaded: Promise<ModelProvider> | undefined;

  constructor(
    readonly kind: ApiKind,
    private readonly spec: ModelSpec,
  ) {
    this.name = spec.name;
    this.family = spec.family;
  }

  private adapter(): Promise<ModelProvider> {
    this.loaded ??= API_ADAPTERS[this.kind](this.spec);
    return this.loaded;
  }

  async complete(request: ModelRequest): Promise<ModelResponse> {
    return (await this.adapter()).complete(request);
  }

  async check(options: { offline: boolean; signal?: AbortSignal }): Promise<ProviderCheck> {
    const adapter = await this.adapter();
    return adapter.check === undefined
      ? { ok: true, problems: [], fixes: [] }
      : adapter.check(options);
  }
}

/** Creates the provider for one configured model. */
export function createProvider(spec: ModelSpec): ModelProvider {
  switch (spec.provider) {
    case "scripted":
      return new ScriptedProvider(spec);
    case "claude-cli":
    case "gemini-cli":
    case "codex-cli":
      return createCliProvider(spec, spec.provider);
    case "anthropic":
    case "gemini":
    case "openai-compatible":
    case "ollama":
      return new LazyApiProvider(spec.provider, spec);
    default: {
      // Every kind the configuration accepts is handled; this catches one added later.
      const unknown: never = spec.provider;
      throw new UserError(`model ${spec.name}: unknown provider "${String(unknown)}"`);
    }
  }
}
