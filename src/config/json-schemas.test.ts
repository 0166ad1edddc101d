import { readFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CONFIG_FILE_KINDS, jsonSchemas, schemaFileText } from "./json-schemas.js";
import { SCHEMA_DIR, writeSchemaFiles } from "./write-schemas.js";

describe("JSON Schemas", () => {
  it.each(CONFIG_FILE_KINDS)(
    "schemas/%s.schema.json is up to date (run `npm run build && npm run schemas`)",
    async (kind) => {
      const committed = await readFile(join(SCHEMA_DIR, `${kind}.schema.json`), "utf8");
      expect(committed).toBe(schemaFileText(jsonSchemas()[kind]));
    },
  );

  it("describe the snake_case keys with defaults optional", () => {
    const { model_config: schema } = jsonSchemas();
    const text = JSON.stringify(schema);
    expect(text).toContain('"api_key_env"');
    expect(text).toContain('"required":["provider","model","family"]');
  });

  it("are written as 2-space JSON with a final newline", async () => {
    const dir = await mkdtemp(join(tmpdir(), "orch-schemas-"));
    try {
      const written = await writeSchemaFiles(dir);
      expect(written.map((p) => p.slice(dir.length + 1))).toEqual([
        "tasks.schema.json",
        "model_config.schema.json",
        "quality_rules.schema.json",
      ]);
      const text = await readFile(join(dir, "tasks.schema.json"), "utf8");
      expect(text.endsWith("}\n")).toBe(true);
      expect(text.split("\n")[1]).toMatch(/^ {2}"/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
