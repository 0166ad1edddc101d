import { UserError } from "../core/errors.js";
import { locateState } from "./state-store.js";

/**
 * The PostgreSQL URL of the project's shared store, for the commands that need one (`submit`,
 * `worker`); the embedded SQLite file cannot be shared between machines.
 */
export async function sharedStoreUrl(
  repoRoot: string,
  env: NodeJS.ProcessEnv,
  command: string,
): Promise<string> {
  const location = await locateState(repoRoot, env);
  if (location.kind === "postgres") return location.url;
  throw new UserError(
    `${command} needs a shared PostgreSQL store: set store: postgres://user@host:5432/db in ` +
      `.orchestrator/model_config.yaml or ORCHESTRATOR_DATABASE_URL (see docs/MANY-MACHINES.md)`,
  );
}
