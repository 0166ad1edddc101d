import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import type { TempRepo } from "./temp-repo.js";

/** Everything of the user's repository that a task must never change. */
export interface Snapshot {
  readonly files: Record<string, string>;
  readonly index: string;
  readonly head: string;
  readonly config: string;
  readonly refs: string;
  readonly stash: string;
  readonly branch: string;
}

/** Working-tree files outside `.git` and `.orchestrator`, contents in base64 (byte for byte). */
async function workingTreeFiles(root: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const path = relative(root, join(entry.parentPath, entry.name));
    if (path.startsWith(".git/") || path.startsWith(".orchestrator/")) continue;
    files[path] = (await readFile(join(root, path))).toString("base64");
  }
  return files;
}

export async function snapshot(repo: TempRepo): Promise<Snapshot> {
  const refs = await repo.sh("for-each-ref", "--format=%(objectname) %(refname)");
  return {
    files: await workingTreeFiles(repo.root),
    index: (await readFile(join(repo.root, ".git/index"))).toString("base64"),
    head: await readFile(join(repo.root, ".git/HEAD"), "utf8"),
    config: await readFile(join(repo.root, ".git/config"), "utf8"),
    refs: refs
      .split("\n")
      .filter((line) => !line.includes(" refs/heads/orchestrator/"))
      .join("\n"),
    stash: await repo.sh("stash", "list", "--format=%H %gs"),
    branch: await repo.sh("symbolic-ref", "HEAD"),
  };
}
