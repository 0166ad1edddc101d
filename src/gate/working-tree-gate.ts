import { join } from "node:path";
import { UserError } from "../core/errors.js";
import type { ProcessRunner } from "../core/ports.js";
import type { QualityConfig, QualityLevel } from "../core/project-config.js";
import { Git } from "../workspace/index.js";
import { copyWorkingState, withDetachedWorktree } from "./gate-worktree.js";
import { runGateAgainstBase, type BaseOutcome } from "./run-against-base.js";

/** The commit a working-tree gate compares with, and how it was chosen (for the output). */
export interface GateBase {
  readonly sha: string;
  readonly how: string;
}

/** The commit `ref` names in `git`'s repository; a ref that names none is the user's error. */
export async function commitOf(git: Git, ref: string, what: string): Promise<string> {
  const result = await git.tryRun([
    "rev-parse",
    "--verify",
    "--quiet",
    "--end-of-options",
    `${ref}^{commit}`,
  ]);
  if (result.exitCode !== 0)
    throw new UserError(`${what} ${JSON.stringify(ref)} is not a commit in ${git.cwd}`);
  return result.stdout.trim();
}

/**
 * The base of `orchestrator gate` when `--base` is not given: the merge-base of HEAD with the
 * default branch (`origin/HEAD`, else `main`, else `master`), else HEAD itself.
 */
export async function defaultGateBase(git: Git, head: string): Promise<GateBase> {
  const candidates: string[] = [];
  const remoteHead = await git.tryRun(["symbolic-ref", "--quiet", "refs/remotes/origin/HEAD"]);
  if (remoteHead.exitCode === 0) candidates.push(remoteHead.stdout.trim());
  candidates.push("refs/heads/main", "refs/heads/master");
  for (const ref of candidates) {
    const exists = await git.tryRun(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
    if (exists.exitCode !== 0) continue;
    const base = await git.tryRun(["merge-base", "HEAD", ref]);
    if (base.exitCode === 0) {
      const name = ref.replace(/^refs\/(?:heads|remotes)\//, "");
      return { sha: base.stdout.trim(), how: `merge-base of HEAD and ${name}` };
    }
  }
  return { sha: head, how: "HEAD" };
}

/** What {@link gateWorkingTree} checks and how. */
export interface WorkingTreeGateRequest {
  readonly runner: ProcessRunner;
  /** The checkout whose working tree (HEAD plus uncommitted and untracked changes) is gated. */
  readonly cwdRoot: string;
  /** The main worktree of the repository: the gate's snapshot and logs go under it. */
  readonly mainRoot: string;
  readonly quality: QualityConfig;
  /** A level, `auto` (chosen from the change against the base), or the default level. */
  readonly level: QualityLevel | "auto" | undefined;
  /** `--base`: a ref to compare with; default {@link defaultGateBase}. */
  readonly base?: string | undefined;
  /** Folder of the checks' logs. */
  readonly logDir: string;
}

/**
 * Gates the working tree of `cwdRoot` in a snapshot worktree against a baseline of the base
 * commit, so the user's checkout, index and branches are not touched.
 */
export async function gateWorkingTree(
  request: WorkingTreeGateRequest,
): Promise<{ result: BaseOutcome; base: GateBase }> {
  const { runner, cwdRoot, mainRoot, quality, level } = request;
  const git = new Git(runner, cwdRoot);
  const head = await git.tryRun(["rev-parse", "--verify", "--quiet", "HEAD^{commit}"]);
  if (head.exitCode !== 0)
    throw new UserError(`${cwdRoot} has no commits yet; commit something first`);
  const headSha = head.stdout.trim();
  const base =
    request.base === undefined
      ? await defaultGateBase(git, headSha)
      : { sha: await commitOf(git, request.base, "--base"), how: request.base };
  const result = await withDetachedWorktree(runner, mainRoot, "gate", headSha, async (snapshot) => {
    await copyWorkingState(runner, cwdRoot, snapshot);
    return runGateAgainstBase({
      runner,
      quality,
      cwd: snapshot,
      baseSha: base.sha,
      level:
        level === "auto"
          ? {
              choose: {
                defaultLevel: quality.defaultLevel,
                taskRisk: "medium",
                stepRisk: "medium",
                isFinal: false,
              },
              stepRef: base.sha,
            }
          : {
              fixed: level ?? quality.defaultLevel,
              reason: level === undefined ? "default_level" : "--level",
            },
      logDir: request.logDir,
    });
  });
  return { result, base };
}

/** The folder of one `orchestrator gate` run's logs. */
export function workingTreeGateLogDir(mainRoot: string, now: Date = new Date()): string {
  return join(
    mainRoot,
    ".orchestrator",
    "cache",
    "runs",
    `gate-${now.toISOString().replace(/[:.]/g, "-")}`,
  );
}
