import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { cp, mkdir, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { ProcessRunner } from "../core/ports.js";
import { Git } from "../workspace/index.js";
import { PLAIN_DIFF } from "./change.js";

/** `.orchestrator/cache/` of a repository; it ignores itself. */
export async function ensureCacheDir(mainRoot: string): Promise<string> {
  const dir = join(mainRoot, ".orchestrator", "cache");
  await mkdir(dir, { recursive: true });
  const ignore = join(dir, ".gitignore");
  if (!existsSync(ignore)) {
    await writeFile(ignore, "# The orchestrator's caches: never committed.\n*\n", "utf8");
  }
  return dir;
}

/**
 * Runs `fn` in a new detached worktree of `sha` under `.orchestrator/cache/worktrees/`, and
 * removes the worktree afterwards, whatever happens. The user's checkout, index and HEAD are not
 * touched; only this worktree's registration is added and removed.
 */
export async function withDetachedWorktree<T>(
  runner: ProcessRunner,
  mainRoot: string,
  name: string,
  sha: string,
  fn: (path: string) => Promise<T>,
): Promise<T> {
  const cache = await ensureCacheDir(mainRoot);
  const path = join(cache, "worktrees", `${name}-${process.pid}-${randomBytes(3).toString("hex")}`);
  await mkdir(dirname(path), { recursive: true });
  const git = new Git(runner, mainRoot);
  await git.run(["worktree", "add", "--detach", "--quiet", path, sha]);
  try {
    return await fn(path);
  } finally {
    await git.tryRun(["worktree", "remove", "--force", path]);
    await rm(path, { recursive: true, force: true });
  }
}

/**
 * Copies the state of `source`'s working tree onto a worktree checked out at `source`'s HEAD:
 * tracked changes (staged or not, as a binary patch) and untracked files that are not ignored.
 */
export async function copyWorkingState(
  runner: ProcessRunner,
  source: string,
  target: string,
): Promise<void> {
  const from = new Git(runner, source);
  const patch = await from.run(["diff", "--binary", "--no-color", "--no-ext-diff", "HEAD", "--"], {
    config: PLAIN_DIFF,
  });
  if (patch.trim() !== "") {
    await new Git(runner, target).run(["apply", "--binary", "--whitespace=nowarn"], {
      input: patch,
    });
  }
  const untracked = (await from.run(["ls-files", "--others", "--exclude-standard", "-z"]))
    .split("\0")
    .filter((p) => p !== "");
  for (const file of untracked) {
    await mkdir(dirname(join(target, file)), { recursive: true });
    await cp(join(source, file), join(target, file), { verbatimSymlinks: true });
  }
}
