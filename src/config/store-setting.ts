import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { ConfigError, UserError } from "../core/errors.js";
import { isRecord } from "./describe.js";
import { StoreSettingSchema } from "./file-schemas.js";
import { interpolate } from "./interpolate.js";
import type { Env } from "./interpolate.js";
import { CONFIG_DIR_NAME } from "./load-project-config.js";
import { SourceFile } from "./yaml-source.js";

/** The environment variable that overrides `store:` in model_config.yaml. */
export const DATABASE_URL_VARIABLE = "ORCHESTRATOR_DATABASE_URL";

/** Where the state lives: the embedded SQLite file, or a shared PostgreSQL database. */
export type StoreSetting =
  | { readonly kind: "sqlite" }
  | { readonly kind: "postgres"; readonly url: string; readonly from: string };

const POSTGRES_URL = /^postgres(?:ql)?:\/\/[^/]+\/[^/?]+/i;

/**
 * Reads only `store:` of `.orchestrator/model_config.yaml` (with `${VAR}` expanded), so commands
 * that only read state (`status`, `log`, `report`) find a shared database without validating
 * the rest of the configuration. `ORCHESTRATOR_DATABASE_URL`, when set, wins. A bad value is a
 * one-line error naming the file, line and field; the value itself is never echoed.
 */
export async function readStoreSetting(repoRoot: string, env: Env): Promise<StoreSetting> {
  const fromEnv = env[DATABASE_URL_VARIABLE];
  if (fromEnv !== undefined && fromEnv !== "") {
    if (!POSTGRES_URL.test(fromEnv)) {
      throw new UserError(
        `${DATABASE_URL_VARIABLE}: expected a URL like postgres://user@host:5432/database`,
      );
    }
    return { kind: "postgres", url: fromEnv, from: DATABASE_URL_VARIABLE };
  }
  const display = `${CONFIG_DIR_NAME}/model_config.yaml`;
  let text: string;
  try {
    text = await readFile(join(repoRoot, CONFIG_DIR_NAME, "model_config.yaml"), "utf8");
  } catch {
    // Missing or unreadable: the full loader reports it where the file matters.
    return { kind: "sqlite" };
  }
  const source = new SourceFile(display, text);
  if (source.hasSyntaxErrors) throw new ConfigError(source.problems);
  const data = source.toJS();
  const raw = isRecord(data) ? data.store : undefined;
  if (raw === undefined || raw === null) return { kind: "sqlite" };
  if (typeof raw !== "string") {
    source.report(["store"], "expected sqlite or a postgres:// URL");
    throw new ConfigError(source.problems);
  }
  const expanded = interpolate(raw, env);
  if (!expanded.ok) {
    source.report(["store"], expanded.message);
    throw new ConfigError(source.problems);
  }
  const parsed = StoreSettingSchema.safeParse(expanded.value);
  if (!parsed.success) {
    source.report(["store"], parsed.error.issues[0]?.message ?? "invalid store");
    throw new ConfigError(source.problems);
  }
  return parsed.data === "sqlite"
    ? { kind: "sqlite" }
    : { kind: "postgres", url: parsed.data, from: `${display} store` };
}
