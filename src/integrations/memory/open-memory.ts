import { basename } from "node:path";
import { UserError } from "../../core/errors.js";
import type { Clock, Memory } from "../../core/ports.js";
import type { MemoryConfig } from "../../core/project-config.js";
import { DEFAULT_MEMORY } from "../../core/project-config.js";
import { RaeMemory } from "./rae-memory.js";
import { SqliteMemory } from "./sqlite-memory.js";

/** Where the memory lives and what it may read. */
export interface OpenMemoryOptions {
  /** The state database (`.orchestrator/state.db`). */
  readonly statePath: string;
  readonly repoRoot: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly config?: MemoryConfig | undefined;
  readonly clock?: Clock;
  readonly fetch?: typeof fetch;
}

/** The memory `memory:` in model_config.yaml chooses: embedded, or RAE backed by embedded. */
export async function openMemory(options: OpenMemoryOptions): Promise<Memory> {
  const config = options.config ?? DEFAULT_MEMORY;
  const local = await SqliteMemory.open(options.statePath, options.clock);
  if (config.backend === "embedded" || config.rae === undefined) return local;
  const rae = config.rae;
  const apiKey = options.env[rae.apiKeyEnv];
  if (apiKey === undefined || apiKey === "") {
    await local.close();
    throw new UserError(
      `model_config.yaml: memory.rae: the API key variable ${rae.apiKeyEnv} is not set`,
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
