import { basename } from "node:path";
import { UserError } from "../../core/errors.js";
import type { Clock, Memory } from "../../core/ports.js";
import type { MemoryConfig } from "../../core/project-config.js";
import { DEFAULT_MEMORY } from "../../core/project-config.js";
import type { LocalMemory } from "./local-memory.js";
import { PostgresMemory } from "./postgres-memory.js";
import { RaeMemory } from "./rae-memory.js";
import { SqliteMemory } from "./sqlite-memory.js";

/** Where the memory lives and what it may read. */
export interface OpenMemoryOptions {
  /** The state database (`.orchestrator/state.db`), when the store is the embedded SQLite. */
  readonly statePath: string;
  /** The PostgreSQL store's URL: the embedded memory then lives in that database. */
  readonly databaseUrl?: string | undefined;
  readonly repoRoot: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly config?: MemoryConfig | undefined;
  readonly clock?: Clock;
  readonly fetch?: typeof fetch;
}

/** The embedded memory of the store: PostgreSQL full-text search with a shared store, else FTS5. */
function openLocal(options: OpenMemoryOptions): Promise<LocalMemory> {
  return options.databaseUrl === undefined
    ? SqliteMemory.open(options.statePath, options.clock)
    : PostgresMemory.open(options.databaseUrl, options.clock);
}

/**
 * The memory `memory:` in model_config.yaml chooses: embedded (in the store's own database), or
 * RAE backed by embedded.
 */
export async function openMemory(options: OpenMemoryOptions): Promise<Memory> {
  const config = options.config ?? DEFAULT_MEMORY;
  const local = await openLocal(options);
  if (config.backend === "embedded" || config.rae === undefined) return local;
  const rae = config.rae;
  const apiKey = options.env[rae.apiKeyEnv];
  if (apiKey === undefined || apiKey === "") {
    await local.close();
    throw new UserError(
      `.orchestrator/model_config.yaml: memory.rae.api_key_env: expected the environment variable ${rae.apiKeyEnv} to hold the RAE API key; it is not set`,
    );
  }
  return new RaeMemory(
    {
      url: rae.url,
      apiKey,
      tenant: rae.tenant,
      project: rae.project ?? basename(options.repoRoot),
      timeoutMs: rae.timeoutMs,
      ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    },
    local,
  );
}
