import { UserError } from "../core/errors.js";
import type { ModelProvider } from "../core/ports.js";
import type { ModelSpec } from "../core/project-config.js";
import { createCliProvider } from "./cli/index.js";
import { ScriptedProvider } from "./scripted-provider.js";
import { AnthropicProvider } from "./sdk/anthropic.js";
import { GeminiProvider } from "./sdk/gemini.js";
import { OllamaProvider } from "./sdk/ollama.js";
import { OpenAICompatibleProvider } from "./sdk/openai-compatible.js";

export { ScriptedProvider, loadScript, pickAnswer, ScriptSchema } from "./scripted-provider.js";
export type { Script } from "./scripted-provider.js";
export { costOf } from "./cost.js";

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
      return new AnthropicProvider(spec);
    case "gemini":
      return new GeminiProvider(spec);
    case "openai-compatible":
      return new OpenAICompatibleProvider(spec);
    case "ollama":
      return new OllamaProvider(spec);
    default: {
      // Every kind the configuration accepts is handled; this catches one added later.
      const unknown: never = spec.provider;
      throw new UserError(`model ${spec.name}: unknown provider "${String(unknown)}"`);
    }
  }
}
