import { randomUUID } from "node:crypto";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { UserError } from "../core/errors.js";
import type { GatePort } from "../core/gate-port.js";
import type { EventListener } from "../core/event-listener.js";
import type { ProcessRunner, Store } from "../core/ports.js";
import type { QualityConfig } from "../core/project-config.js";
import type { TaskState } from "../core/state-machine.js";
import type { Task } from "../core/task.js";
import { reopenForMovedBase } from "../engine/base-moved.js";
import { taskLevel } from "../gate/index.js";
import { Git } from "../workspace/index.js";
import type { TaskRunner } from "./batch.js";
import { dependencyOrder } from "./readiness.js";

/** How one task's branch was landed, or why landing stopped there. */
export interface LandStep {
  readonly taskId: string;
  readonly outcome: "landed" | "conflict" | "gate_failed" | "already_landed";
  /** The target's new tip after a landed task. */
  readonly sha?: string;
  /** Conflicting files, or the gate's findings. */
  readonly detail?: string;
  /** Files of a conflict the task resolved in a step of its own before it landed. */
  readonly resolved?: readonly string[];
}

/** A task's branch conflicts with the target's tip `sha` in `files`. */
export interface LandConflict {
  readonly branch: string;
  readonly sha: string;
  readonly files: readonly string[];
}

/**
 * Resolves a conflict in the task itself (a merge step: implementer, code review, gate, merge
 * commit on the task's branch); returns the state the task ended in (DONE when resolved).
 */
export type ConflictResolver = (
  task: Task,
  conflict: LandConflict,
) => Promise<{ status: TaskState; detail?: string | undefined }>;

export interface LandOptions {
  readonly runner: ProcessRunner;
  readonly repoRoot: string;
  /** Where landing worktrees and gate logs go (`.orchestrator/`). */
  readonly stateDir: string;
  readonly quality: QualityConfig;
  readonly gate: GatePort;
  /** DONE tasks to land; landed in dependency order. */
  readonly tasks: readonly Task[];
  /** The branch to land into. */
  readonly into: string;
  /** Replay each task's commits onto the target's tip instead of a merge commit. */
  readonly rebase?: boolean;
  /** Remote to push the target to once every task landed. */
  readonly push?: string | undefined;
  readonly env?: Readonly<Record<string, string>>;
  readonly signal: AbortSignal;
  readonly onStep?: (step: LandStep) => void;
  /** Turns a conflict into a step of the task; without it a conflict stops landing. */
  readonly resolveConflict?: ConflictResolver;
}

/** The branch `land` goes into by default: `develop` when it exists, else the checked-out one. */
export async function defaultLandTarget(git: Git): Promise<string> {
  const develop = await git.tryRun(["rev-parse", "--verify", "--quiet", "refs/heads/develop"]);
  if (develop.exitCode === 0) return "develop";
  const head = await git.tryRun(["symbolic-ref", "--quiet", "--short", "HEAD"]);
  if (head.exitCode !== 0) throw new UserError("HEAD is detached; name the target with --into");
  return head.stdout.trim();
}

/** Worktrees that have `branch` checked out (a ref update there would change their files). */
async function checkedOutAt(git: Git, branch: string): Promise<string | undefined> {
  const list = await git.run(["worktree", "list", "--porcelain"]);
  let path: string | undefined;
  for (const line of list.split("\n")) {
    if (line.startsWith("worktree ")) path = line.slice("worktree ".length);
    if (line === `branch refs/heads/${branch}`) return path;
  }
  return undefined;
}

async function unmerged(git: Git): Promise<string> {
  const out = await git.run(["diff", "--name-only", "--diff-filter=U"]);
  return out.trim().split("\n").filter(Boolean).join(", ");
}

/**
 * Merges (or with `rebase`, replays) DONE task branches into `into`, in dependency order, in a
 * worktree of its own: the user's checkout, index and HEAD are never touched. After each task
 * the gate runs at the task's full level on the result; the target ref moves only when it
 * passes, and landing stops at the first conflict or failure. Pushes only with `push`.
 */
export async function landTasks(options: LandOptions): Promise<LandStep[]> {
  const git = new Git(options.runner, options.repoRoot, options.env ? { env: options.env } : {});
  const ref = `refs/heads/${options.into}`;
  const tip = await git.tryRun(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
  if (tip.exitCode !== 0) throw new UserError(`--into: no branch named "${options.into}"`);
  const busy = await checkedOutAt(git, options.into);
  if (busy !== undefined) {
    throw new UserError(
      `${options.into} is checked out in ${busy}; landing would change files there. ` +
        `Land into another branch (--into BRANCH) or check out something else first`,
    );
  }
  const path = join(options.stateDir, "worktrees", `_land-${randomUUID().slice(0, 8)}`);
  await git.run(["worktree", "add", "--quiet", "--detach", path, tip.stdout.trim()]);
  const wt = git.at(path);
  const identity = { "user.name": "orchestrator", "user.email": "orchestrator@localhost" };
  const steps: LandStep[] = [];
  const report = (step: LandStep): void => {
    steps.push(step);
    options.onStep?.(step);
  };
  try {
    let current = tip.stdout.trim();
    for (const task of dependencyOrder(options.tasks)) {
      const branch = `orchestrator/${task.id}`;
      const ancestor = await wt.tryRun(["merge-base", "--is-ancestor", branch, current]);
      if (ancestor.exitCode === 0) {
        report({ taskId: task.id, outcome: "already_landed", sha: current });
        continue;
      }
      const joined = await joinTask(wt, task, branch, current, options, identity);
      if (!joined.ok) {
        report({ taskId: task.id, outcome: "conflict", detail: joined.detail });
        break;
      }
      const gate = await options.gate({
        cwd: path,
        level: taskLevel({
          override: task.qualityLevel,
          defaultLevel: options.quality.defaultLevel,
          taskRisk: task.risk,
        }),
        logDir: join(options.stateDir, "runs", "land", task.id),
        signal: options.signal,
      });
      if (!gate.passed) {
        report({ taskId: task.id, outcome: "gate_failed", detail: gate.feedback });
        break;
      }
      const next = (await wt.run(["rev-parse", "HEAD"])).trim();
      // Compare-and-swap: a target moved by someone else meanwhile is not overwritten.
      await git.run(["update-ref", "-m", `orchestrator land ${task.id}`, ref, next, current]);
      current = next;
      report({
        taskId: task.id,
        outcome: "landed",
        sha: next,
        ...(joined.resolved ? { resolved: joined.resolved } : {}),
      });
    }
    if (
      options.push !== undefined &&
      steps.every((s) => s.outcome !== "conflict" && s.outcome !== "gate_failed")
    ) {
      await git.run(["push", "--quiet", options.push, `${ref}:${ref}`]);
    }
  } finally {
    await git.tryRun(["worktree", "remove", "--force", path]);
    await rm(path, { recursive: true, force: true });
  }
  return steps;
}

/**
 * Merges (or replays) the task's branch onto `current` in the landing worktree. On a conflict
 * the task resolves it in a step of its own (when a resolver is given) and the join is tried
 * once more on its new branch tip, which then contains `current`.
 */
async function joinTask(
  wt: Git,
  task: Task,
  branch: string,
  current: string,
  options: LandOptions,
  identity: Record<string, string>,
): Promise<{ ok: true; resolved?: readonly string[] } | { ok: false; detail: string }> {
  let resolved: readonly string[] | undefined;
  for (;;) {
    await wt.run(["checkout", "--quiet", "--detach", current]);
    const joined = options.rebase
      ? await replay(wt, branch, current, identity)
      : await wt.tryRun(
          ["merge", "--no-ff", "--quiet", "-m", `Land ${task.id} (${branch})`, branch],
          { config: identity },
        );
    if (joined.exitCode === 0) return { ok: true, ...(resolved ? { resolved } : {}) };
    const stopped = await unmerged(wt);
    await wt.tryRun([options.rebase ? "rebase" : "merge", "--abort"]);
    const files = await mergeConflicts(wt, current, branch);
    const named = files.join(", ") || stopped || joined.stderr.trim();
    if (options.resolveConflict === undefined || resolved !== undefined || files.length === 0) {
      return { ok: false, detail: named };
    }
    const outcome = await options.resolveConflict(task, {
      branch: options.into,
      sha: current,
      files,
    });
    if (outcome.status !== "DONE") {
      const why = outcome.detail === undefined ? "" : `: ${outcome.detail}`;
      return { ok: false, detail: `${named}; ${task.id} is ${outcome.status}${why}` };
    }
    resolved = files;
  }
}

/** The files a merge of `a` and `b` conflicts on (`git merge-tree`, nothing touched). */
async function mergeConflicts(wt: Git, a: string, b: string): Promise<string[]> {
  const result = await wt.tryRun([
    "merge-tree",
    "--write-tree",
    "--name-only",
    "--no-messages",
    a,
    b,
  ]);
  if (result.exitCode !== 1) return [];
  return [
    ...new Set(
      result.stdout
        .split("\n")
        .slice(1)
        .filter((n) => n !== ""),
    ),
  ];
}

/**
 * Replays the task branch's commits onto `onto` in the landing worktree (a detached rebase).
 * A branch that already contains `onto` (it merged the target to resolve a conflict) is taken
 * as it is: replaying would drop that merge and meet the conflict again.
 */
async function replay(
  wt: Git,
  branch: string,
  onto: string,
  identity: Record<string, string>,
): Promise<{ exitCode: number | null; stderr: string }> {
  await wt.run(["checkout", "--quiet", "--detach", branch]);
  const contains = await wt.tryRun(["merge-base", "--is-ancestor", onto, "HEAD"]);
  if (contains.exitCode === 0) return contains;
  // On success HEAD is the rebased branch: a fast-forward of `onto`.
  return wt.tryRun(["rebase", "--quiet", onto], { config: identity });
}

/**
 * The resolver `land` uses: reopens the task with a merge step for the target's tip and runs
 * it with the engine until it is DONE again or waits for a human (`merge_conflict`).
 */
export function resolveInTask(
  store: Store,
  engine: TaskRunner,
  signal: AbortSignal,
  listener?: EventListener,
): ConflictResolver {
  return async (task, conflict) => {
    await reopenForMovedBase(
      store,
      task,
      { branch: conflict.branch, sha: conflict.sha, conflicts: conflict.files },
      listener,
    );
    const outcome = await engine.runTask(task, null, signal);
    return { status: outcome.status, detail: outcome.view.escalation?.detail };
  };
}
