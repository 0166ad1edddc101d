import type { Git } from "./git.js";

/** The identity used when the repository (or the user's global config) has none. */
export const FALLBACK_IDENTITY = { name: "orchestrator", email: "orchestrator@localhost" } as const;

/** The identity keys git's config sets to a non-empty value (the last value of each wins). */
async function configuredKeys(git: Git): Promise<Set<string>> {
  // One process for both keys; exit 1 means neither is set.
  const result = await git.tryRun(["config", "--get-regexp", "^user\\.(name|email)$"]);
  const values = new Map<string, string>();
  if (result.exitCode !== 0) return new Set();
  for (const line of result.stdout.split("\n")) {
    const space = line.indexOf(" ");
    const key = space < 0 ? line : line.slice(0, space);
    if (key !== "") values.set(key, space < 0 ? "" : line.slice(space + 1).trim());
  }
  return new Set([...values].filter(([, value]) => value !== "").map(([key]) => key));
}

/**
 * Per-command `-c` settings that fill in whatever part of the committer identity git's config
 * lacks. An identity the user configured (repository, global or system) is kept as it is.
 */
export async function missingIdentityConfig(git: Git): Promise<Record<string, string>> {
  const config: Record<string, string> = {};
  const keys = await configuredKeys(git);
  if (!keys.has("user.name")) config["user.name"] = FALLBACK_IDENTITY.name;
  if (!keys.has("user.email")) config["user.email"] = FALLBACK_IDENTITY.email;
  return config;
}
