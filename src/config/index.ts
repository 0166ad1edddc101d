export { loadProjectConfig } from "./load-project-config.js";
export type { LoadOptions } from "./load-project-config.js";
export { initFiles } from "./init-files.js";
export type { InitFile, InitOptions } from "./init-files.js";
export { familiesOf, SEED_MODELS, starterModelConfig } from "./starter-models.js";
export type { AvailableModels } from "./starter-models.js";
export {
  CONFIG_FILE_KINDS,
  ModelConfigFileSchema,
  QualityRulesFileSchema,
  TasksFileSchema,
  jsonSchemas,
} from "./json-schemas.js";
export type { ConfigFileKind } from "./json-schemas.js";
export { parseDuration } from "./duration.js";
export { modelSpecFromRaw, modelsConfigFromRaw, routingRuleFromRaw } from "./raw-config.js";
export type { Env } from "./interpolate.js";
