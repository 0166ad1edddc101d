import { setTimeout as sleep } from "node:timers/promises";
import { SystemError } from "../core/errors.js";
import type { ChildProcessRecord, ChildTracker, Clock, Store } from "../core/ports.js";
import { liveGroupMembers, readProcStat } from "../process/proc-stat.js";
import { ownerIsLocal } from "./lease-owner.js";

/** Who a child works for. */
export interface ChildScope {
  readonly taskId: string;
  readonly attempt: number | null;
  /** The lease owner of this run (`host:pid:nonce`). */
  readonly owner: string;
}

/**
 * The one way to register a spawned child: a tracker that records its process group in the
 * store before it runs and forgets it once the group is gone. Any code that spawns for a task
 * (a CLI call, a long-lived CLI session, a check) hands this to the process runner.
 */
export function storeChildTracker(store: Store, clock: Clock, scope: ChildScope): ChildTracker {
  return {
    started: (child) =>
      store.registerChild({
        pid: child.pid,
        startTime: child.startTime,
        pgid: child.pgid,
        taskId: scope.taskId,
        attempt: scope.attempt,
        owner: scope.owner,
        command: child.command,
        startedAt: clock.now(),
      }),
    ended: (child) => store.unregisterChild(child.pid, child.startTime),
  };
}

/** How long a crashed run's process groups may take to die after SIGKILL. */
const STOP_WAIT_MS = 10_000;

/** What was done about one recorded child of a dead run. */
export interface LeftoverChild {
  readonly child: ChildProcessRecord;
  /** `stopped`: it was alive and is now dead; `gone`: nothing was left; `elsewhere`: on another host. */
  readonly outcome: "stopped" | "gone" | "elsewhere";
}

/**
 * Whether the recorded group may still have members of ours. The group's number is the
 * leader's pid; the kernel never hands out a pid still used as a process group id, so a live
 * group with that id is ours unless a new process with that pid (another start time) leads it.
 */
function groupIsOurs(child: ChildProcessRecord): boolean {
  const leader = readProcStat(child.pgid);
  if (!leader) return true;
  if (leader.startTime === child.startTime || child.startTime === "") return true;
  return leader.pgrp !== child.pgid;
}

function killGroup(pgid: number): void {
  try {
    process.kill(-pgid, "SIGKILL");
  } catch {
    // Already gone.
  }
}

async function waitUntilGone(pgid: number): Promise<boolean> {
  const deadline = performance.now() + STOP_WAIT_MS;
  for (;;) {
    if (liveGroupMembers(pgid).length === 0) return true;
    if (performance.now() > deadline) return false;
    await sleep(25);
  }
}

/**
 * Stops the process groups that dead runs of the task left behind (a coding-agent CLI lives on
 * after the orchestrator is killed with SIGKILL) and waits until they have exited, so none of
 * them writes into the worktree again. Called when a run takes the task's lease, before the
 * worktree is looked at or reset. Children of `owner` (this run) are left alone; children of
 * another host are reported, not touched (their pids mean nothing here).
 * @throws SystemError when a group does not die.
 */
export async function stopLeftoverChildren(
  store: Store,
  taskId: string,
  owner: string,
): Promise<LeftoverChild[]> {
  const done: LeftoverChild[] = [];
  for (const child of await store.listChildren(taskId)) {
    if (child.owner === owner) continue;
    if (!ownerIsLocal(child.owner)) {
      done.push({ child, outcome: "elsewhere" });
      continue;
    }
    const alive = groupIsOurs(child) && liveGroupMembers(child.pgid).length > 0;
    if (alive) {
      killGroup(child.pgid);
      if (!(await waitUntilGone(child.pgid))) {
        throw new SystemError(
          `process group ${String(child.pgid)} (${child.command}) of a crashed run of task ` +
            `${taskId} is still alive ${String(STOP_WAIT_MS / 1000)} s after SIGKILL; stop it and resume`,
        );
      }
    }
    await store.unregisterChild(child.pid, child.startTime);
    done.push({ child, outcome: alive ? "stopped" : "gone" });
  }
  return done;
}
