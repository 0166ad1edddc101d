import { readStoreSetting } from "../config/store-setting.js";
import type { Env } from "../config/interpolate.js";
import type { Store } from "../core/ports.js";
import { openStore, storeMayHoldState } from "../store/open-store.js";
import type { StoreLocation } from "../store/open-store.js";
import { stateDbPath } from "./context.js";

/**
 * Where this project's state lives: `ORCHESTRATOR_DATABASE_URL`, else `store:` in
 * model_config.yaml, else the embedded `.orchestrator/state.db`.
 */
export async function locateState(repoRoot: string, env: Env): Promise<StoreLocation> {
  const setting = await readStoreSetting(repoRoot, env);
  return setting.kind === "postgres"
    ? { kind: "postgres", url: setting.url }
    : { kind: "sqlite", path: stateDbPath(repoRoot) };
}

/** Whether a reading command should open the store (see {@link storeMayHoldState}). */
export function hasStateAt(location: StoreLocation): boolean {
  return storeMayHoldState(location);
}

/** Opens the project's store wherever it lives. */
export async function openProjectStore(repoRoot: string, env: Env): Promise<Store> {
  return openStore(await locateState(repoRoot, env));
}

export { openStore };
