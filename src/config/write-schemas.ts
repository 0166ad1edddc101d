import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { CONFIG_FILE_KINDS, jsonSchemas, schemaFileText } from "./json-schemas.js";

/** `schemas/` at the package root (from src/config or dist/config alike). */
export const SCHEMA_DIR = fileURLToPath(new URL("../../schemas", import.meta.url));

/** Writes `<dir>/<kind>.schema.json` for the three files; returns the written paths. */
export async function writeSchemaFiles(dir: string = SCHEMA_DIR): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const schemas = jsonSchemas();
  const written: string[] = [];
  for (const kind of CONFIG_FILE_KINDS) {
    const path = join(dir, `${kind}.schema.json`);
    await writeFile(path, schemaFileText(schemas[kind]));
    written.push(path);
  }
  return written;
}

// `npm run schemas` runs this file directly; importing it (as the tests do) writes nothing.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const path of await writeSchemaFiles()) process.stdout.write(`wrote ${path}\n`);
}
