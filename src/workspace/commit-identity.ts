import type { Git } from "./git.js";

/** The identity used when the repository (or the user's global config) has none. */
export const FALLBACK_IDENTITY = { name: "orchestrator", email: "orchestrator@localhost" } as const;

async function configured(git: Git, key: string): Promise<boolean> {
  const result = await git.tryRun(["config", "--get", key]);
  return result.exitCode === 0 && result.stdout.trim() !== "";
}

/**
 * Per-command `-c` settings that fill in whatever part of the committer identity git's config
 * lacks. An identity the user configured (repository, global or system) is kept as it is.
 */
export async function missingIdentityConfig(git: Git): Promise<Record<string, string>> {
  const config: Record<string, string> = {};
  if (!(await configured(git, "user.name"))) config["user.name"] = FALLBACK_IDENTITY.name;
  if (!(await configured(git, "user.email"))) config["user.email"] = FALLBACK_IDENTITY.email;
  return config;
}
