import { z } from "zod";
import { ModelConfigFileSchema, QualityRulesFileSchema, TasksFileSchema } from "./file-schemas.js";

export { ModelConfigFileSchema, QualityRulesFileSchema, TasksFileSchema } from "./file-schemas.js";

/** Names of the three files without `.yaml`; also the JSON Schema file names. */
export const CONFIG_FILE_KINDS = ["tasks", "model_config", "quality_rules"] as const;
export type ConfigFileKind = (typeof CONFIG_FILE_KINDS)[number];

const SCHEMAS: Readonly<Record<ConfigFileKind, z.ZodType>> = {
  tasks: TasksFileSchema,
  model_config: ModelConfigFileSchema,
  quality_rules: QualityRulesFileSchema,
};

/**
 * JSON Schemas of the three files, derived from the zod schemas the loader validates with.
 * They describe the input side (defaults make keys optional) in draft-07, which editors such
 * as yaml-language-server understand.
 */
export function jsonSchemas(): Record<ConfigFileKind, object> {
  const convert = (schema: z.ZodType): object =>
    z.toJSONSchema(schema, { io: "input", target: "draft-7", unrepresentable: "any" });
  return {
    tasks: convert(SCHEMAS.tasks),
    model_config: convert(SCHEMAS.model_config),
    quality_rules: convert(SCHEMAS.quality_rules),
  };
}

/** The text of `schemas/<kind>.schema.json`: 2-space JSON and a final newline. */
export function schemaFileText(schema: object): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}
