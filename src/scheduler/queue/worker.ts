import { LeaseHeldError, LeaseLostError } from "../../core/errors.js";
import type { Store } from "../../core/ports.js";
import { projectTask } from "../../core/projection.js";
import type { TaskView } from "../../core/projection.js";
import { TERMINAL_STATES } from "../../core/state-machine.js";
import type { Task } from "../../core/task.js";
import type { TaskOutcome } from "../../engine/engine.js";
import { ownerIsDead } from "../../engine/lease-owner.js";
import { readyToEnqueue } from "./ready-tasks.js";
import type { RemoteClones } from "./remote-clones.js";
import type { Consumer, TaskJob, TaskQueue } from "./task-queue.js";
import type { TaskLeases } from "./task-leases.js";

/** What a worker needs; the CLI wires the real parts, tests may hand in others. */
export interface WorkerDeps {
  readonly store: Store;
  readonly queue: TaskQueue;
  readonly clones: RemoteClones;
  /** The task leases this worker holds; its engine's store and workspace check them too. */
  readonly leases: TaskLeases;
  /** This worker's lease owner id (`host:pid:nonce`), the same one its engine uses. */
  readonly owner: string;
  /** How long a lease lasts without renewal: the time a dead worker's task waits elsewhere. */
  readonly leaseTtlMs: number;
  /** Runs a task exactly as `run` does (the engine), in the clone given as `task.repoPath`. */
  runTask(task: Task, signal: AbortSignal): Promise<TaskOutcome>;
  /** One line about what the worker does (not the task's events: those go to the listener). */
  readonly log: (message: string) => void;
  readonly now: () => number;
}

/** A job whose task ended in a way that needs no retry. */
type JobResult = "done" | "not-runnable" | "duplicate" | "stopped-at-human" | "ended";

/** The task was interrupted because the worker is stopping: its job is failed to be retried. */
export class ParkedError extends Error {
  constructor(taskId: string) {
    super(`task ${taskId} parked: this worker is stopping; another worker resumes it`);
  }
}

/**
 * Takes task jobs from the queue and runs them; when a task is DONE, enqueues the submitted
 * tasks that became ready; and fails the jobs of workers that died, so they are retried.
 */
export class Worker {
  private readonly inHand = new Set<string>();
  private readonly stopping = new AbortController();
  private reaper: NodeJS.Timeout | undefined;
  private reaping = false;
  private consumer: Consumer | undefined;
  /** Jobs whose lease was found missing, and when: failed only if still missing a TTL later. */
  private readonly suspects = new Map<string, number>();

  constructor(private readonly deps: WorkerDeps) {}

  /** Starts taking jobs, `concurrency` at a time, and checking for orphaned jobs. */
  async start(concurrency: number): Promise<void> {
    await this.reapOrphans();
    this.reaper = setInterval(
      () => void this.reapOrphans(),
      Math.max(250, this.deps.leaseTtlMs / 3),
    );
    this.consumer = this.deps.queue.work(concurrency, (job) => this.handle(job));
  }

  /**
   * Graceful stop: no new jobs; the tasks in hand stop at their next durable point and their
   * jobs go back to the queue for another worker. Resolves when they have.
   */
  async stop(): Promise<void> {
    clearInterval(this.reaper);
    this.stopping.abort();
    await this.consumer?.stop();
    await this.deps.queue.close({ graceful: true });
  }

  /** Runs one job. Throws (so pg-boss retries the job) only when the task must continue. */
  async handle(job: TaskJob): Promise<JobResult> {
    const { store, log } = this.deps;
    const task = await store.getTask(job.taskId);
    if (!task) {
      log(`${job.taskId}: not in the shared store; was it submitted from another database?`);
      return "not-runnable";
    }
    if (this.inHand.has(task.id)) return "duplicate";
    this.inHand.add(task.id);
    try {
      return await this.leased(task);
    } finally {
      this.inHand.delete(task.id);
    }
  }

  private async leased(task: Task): Promise<JobResult> {
    const { leases } = this.deps;
    const lease = await leases.hold(task.id);
    if (!lease.ok) {
      this.deps.log(`${task.id}: already running on ${lease.holder}`);
      return "duplicate";
    }
    try {
      return await this.run(task, lease.signal);
    } finally {
      await leases.release(task.id);
    }
  }

  private async run(task: Task, leaseSignal: AbortSignal): Promise<JobResult> {
    const { store, clones, log } = this.deps;
    const view = projectTask(task.id, await store.events(task.id));
    if (view.status === "DONE") {
      await this.enqueueReady();
      return "done";
    }
    if (TERMINAL_STATES.has(view.status) || view.status === "AWAITING_HUMAN_REVIEW") {
      return "not-runnable";
    }
    if (task.remote === undefined) {
      log(`${task.id}: has no remote; submit it again from a repository with one`);
      return "not-runnable";
    }
    log(`${task.id}: ${view.status === "NEW" ? "starting" : `resuming at ${view.status}`}`);
    const clone = await clones.prepare(task.remote, {
      taskId: task.id,
      ...(task.base === undefined ? {} : { base: task.base }),
    });
    const local: Task = { ...task, repoPath: clone, base: await this.baseOf(task, view, clone) };
    let outcome: TaskOutcome;
    try {
      outcome = await this.deps.runTask(
        local,
        AbortSignal.any([this.stopping.signal, leaseSignal]),
      );
    } catch (error) {
      if (error instanceof LeaseHeldError) return "duplicate";
      throw error;
    }
    // The engine stopped because the lease was lost: the job is another worker's now.
    const lost = this.deps.leases.lostReason(task.id);
    if (lost !== undefined) throw new LeaseLostError(task.id, lost);
    // The engine gave the lease back when it returned: stop renewing it before the bookkeeping.
    await this.deps.leases.release(task.id);
    if (outcome.interrupted) throw new ParkedError(task.id);
    log(`${task.id}: ${outcome.status}`);
    if (outcome.status === "DONE") {
      await this.enqueueReady();
      return "done";
    }
    return outcome.status === "AWAITING_HUMAN_REVIEW" ? "stopped-at-human" : "ended";
  }

  /** The base a task starts from in a clone: the recorded one, else the remote's ref. */
  private async baseOf(task: Task, view: TaskView, clone: string): Promise<string> {
    if (view.workspace) return view.workspace.baseSha;
    if (task.base === undefined) return this.deps.clones.defaultBase(clone);
    return (await this.deps.clones.remoteRef(clone, task.base)) ?? task.base;
  }

  /** Puts the submitted tasks that are ready now on the queue. */
  async enqueueReady(): Promise<string[]> {
    const { store, queue } = this.deps;
    const tasks = await store.listTasks();
    const statuses = new Map<string, TaskView["status"]>();
    for (const t of tasks) statuses.set(t.id, projectTask(t.id, await store.events(t.id)).status);
    const ready = readyToEnqueue(tasks, (id) => statuses.get(id) ?? "NEW", await queue.submitted());
    const queued: string[] = [];
    for (const t of ready)
      if (await queue.enqueue(t.id, t.priority, t.timeoutMs)) queued.push(t.id);
    if (queued.length > 0) this.deps.log(`queued ${queued.join(", ")}`);
    return queued;
  }

  /**
   * Fails the active jobs whose worker is gone — the task's lease expired or names a dead
   * process on this machine — so pg-boss hands them to a live worker. A job just started gets
   * a moment to take its lease first.
   */
  async reapOrphans(): Promise<number> {
    if (this.reaping) return 0;
    this.reaping = true;
    let reaped = 0;
    try {
      for (const job of await this.deps.queue.activeJobs()) {
        if (this.inHand.has(job.taskId)) continue;
        const holder = await this.deps.store.leaseHolder(job.taskId);
        if (holder !== undefined && !ownerIsDead(holder.owner)) {
          this.suspects.delete(job.id);
          continue;
        }
        if (holder === undefined) {
          // A lease can lapse for a moment on a live but overloaded worker (a late renewal):
          // the job is failed only when it is still unleased a whole TTL later.
          if (job.activeMs <= Math.min(this.deps.leaseTtlMs, 10_000)) continue;
          const since = this.suspects.get(job.id);
          if (since === undefined) {
            this.suspects.set(job.id, this.deps.now());
            continue;
          }
          if (this.deps.now() - since < this.deps.leaseTtlMs) continue;
        }
        this.suspects.delete(job.id);
        this.deps.log(
          `${job.taskId}: its worker is gone (${holder?.owner ?? "lease expired"}); retrying elsewhere`,
        );
        await this.deps.queue.failJob(job.id, "worker gone");
        reaped++;
      }
    } catch (error) {
      this.deps.log(
        `orphan check failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    } finally {
      this.reaping = false;
    }
    return reaped;
  }
}
