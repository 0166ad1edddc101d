import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { SystemError } from "../core/errors.js";
import { orchestratorDir } from "./task-paths.js";

/** What `.orchestrator/.gitignore` holds when the orchestrator creates it. */
export const ORCHESTRATOR_GITIGNORE = [
  "# Local orchestrator state: not for commits. tasks.yaml and the other configuration files are.",
  "state.db*",
  "worktrees/",
  "runs/",
  "reports/",
  "",
].join("\n");

/**
 * Creates `.orchestrator/.gitignore` when it is missing. An existing file is the user's and is
 * never rewritten, even when it lacks some of the lines.
 * @returns whether the file was created.
 */
export async function ensureOrchestratorGitignore(repoRoot: string): Promise<boolean> {
  const dir = orchestratorDir(repoRoot);
  const file = join(dir, ".gitignore");
  try {
    await mkdir(dir, { recursive: true });
    // `wx`: fails instead of overwriting, with no window between a check and the write.
    await writeFile(file, ORCHESTRATOR_GITIGNORE, { flag: "wx" });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw new SystemError(`cannot create ${file}`, { cause: error });
  }
}
