import { UserError } from "../core/errors.js";
import type { ModelProvider } from "../core/ports.js";
import type { ModelSpec } from "../core/project-config.js";
import { ScriptedProvider } from "./scripted-provider.js";

export { ScriptedProvider, loadScript, pickAnswer, ScriptSchema } from "./scripted-provider.js";
export type { Script } from "./scripted-provider.js";
export { costOf } from "./cost.js";

/** Creates the provider for one configured model. */
export function createProvider(spec: ModelSpec): ModelProvider {
  switch (spec.provider) {
    case "scripted":
      return new ScriptedProvider(spec);
    default:
      throw new UserError(
        `model ${spec.name}: provider "${spec.provider}" is not available in this version; ` +
          `only "scripted" models can run yet`,
      );
  }
}
