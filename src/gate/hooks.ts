import { constants } from "node:fs";
import { access } from "node:fs/promises";
import { isAbsolute, join, resolve } from "node:path";
import type { ProcessRunner } from "../core/ports.js";
import { Git } from "../workspace/index.js";

/** A pre-commit hook the repository uses, as a command to run. */
export interface DetectedHook {
  /** `pre-commit`, `husky`, `lefthook` or `git-hook`. */
  readonly source: string;
  readonly program: string;
  readonly args: readonly string[];
}

async function exists(path: string, mode = constants.F_OK): Promise<boolean> {
  try {
    await access(path, mode);
    return true;
  } catch {
    return false;
  }
}

const LEFTHOOK_FILES = ["lefthook.yml", "lefthook.yaml", ".lefthook.yml", ".lefthook.yaml"];

/**
 * Finds the repository's pre-commit hook, in the order of docs/GATE.md: the pre-commit framework
 * (run on the changed files), husky, lefthook, then a plain git hook — under `core.hooksPath`
 * when set, else in the common git directory, which a linked worktree shares with the main one.
 */
export async function detectHook(
  runner: ProcessRunner,
  cwd: string,
  changedFiles: readonly string[],
): Promise<DetectedHook | undefined> {
  if (await exists(join(cwd, ".pre-commit-config.yaml"))) {
    return {
      source: "pre-commit",
      program: "pre-commit",
      args: ["run", "--files", ...changedFiles],
    };
  }
  if (await exists(join(cwd, ".husky", "pre-commit"))) {
    return { source: "husky", program: "sh", args: [join(".husky", "pre-commit")] };
  }
  for (const file of LEFTHOOK_FILES) {
    if (await exists(join(cwd, file))) {
      return { source: "lefthook", program: "lefthook", args: ["run", "pre-commit"] };
    }
  }
  const git = new Git(runner, cwd);
  const configured = await git.tryRun(["config", "--get", "core.hooksPath"]);
  let dir: string;
  if (configured.exitCode === 0 && configured.stdout.trim() !== "") {
    const path = configured.stdout.trim();
    dir = isAbsolute(path) ? path : resolve(cwd, path);
  } else {
    const common = (await git.run(["rev-parse", "--git-common-dir"])).trim();
    dir = join(resolve(cwd, common), "hooks");
  }
  const hook = join(dir, "pre-commit");
  if (await exists(hook, constants.X_OK)) return { source: "git-hook", program: hook, args: [] };
  return undefined;
}
