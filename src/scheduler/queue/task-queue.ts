import PgBoss from "pg-boss";
import { z } from "zod";
import { SystemError } from "../../core/errors.js";
import { redactDatabaseUrl } from "../../store/database-url.js";

/** The pg-boss queue that carries ready tasks to workers. */
export const TASK_QUEUE = "orchestrator-tasks";

/** The schema pg-boss keeps its tables in, beside the store's tables. */
export const QUEUE_SCHEMA = "pgboss";

/** A job: which task to run. Everything else is read from the shared store. */
export const TaskJobSchema = z.object({ taskId: z.string().min(1) });
export type TaskJob = z.infer<typeof TaskJobSchema>;

/** A job that is active on some worker, as the orphan check sees it. */
export interface ActiveJob {
  readonly id: string;
  readonly taskId: string;
  /** Milliseconds since a worker started the job (the database's start time, this clock). */
  readonly activeMs: number;
}

/** A job this worker took: which task, and which attempt of the job (pg-boss's retry count). */
export interface TakenJob extends TaskJob {
  readonly jobId: string;
  readonly attempt: number;
}

/** The jobs' consumers of one {@link TaskQueue.work} call. */
export interface Consumer {
  /** Takes no new job; resolves once every job in hand is settled. */
  stop(): Promise<void>;
}

/** How long an idle consumer waits before asking for a job again (pg-boss's minimum). */
const IDLE_POLL_MS = 500;

/** Longest a job may stay active before pg-boss itself fails it (its own limit is 24 h). */
const MAX_EXPIRE_SECONDS = 23 * 60 * 60;

const TakenRowSchema = z.object({ task_id: z.string(), job_id: z.string() });

/**
 * Ready tasks on a pg-boss queue in the shared PostgreSQL database, and the list of submitted
 * tasks (`queue_submissions`) that tells a worker which dependents to enqueue when a task is
 * DONE. One job per task at a time in the queue (`short` policy keyed by task id); a task's
 * job that outlives a dead worker is failed by {@link TaskQueue.failJob} and retried.
 */
export class TaskQueue {
  /** Idle consumers of this process, woken when a job is enqueued here. */
  private readonly sleepers: (() => void)[] = [];

  private constructor(
    private readonly boss: PgBoss,
    readonly where: string,
  ) {}

  /** Connects, installs or upgrades pg-boss's schema and creates the queue (idempotent). */
  static async open(url: string, options: { supervise?: boolean } = {}): Promise<TaskQueue> {
    const where = redactDatabaseUrl(url);
    const boss = new PgBoss({
      connectionString: url,
      schema: QUEUE_SCHEMA,
      max: 4,
      supervise: options.supervise ?? true,
      schedule: false,
      maintenanceIntervalSeconds: 30,
    });
    // pg-boss reports connection trouble as events; the next call fails with the reason.
    boss.on("error", () => undefined);
    try {
      await boss.start();
      await boss.createQueue(TASK_QUEUE, {
        name: TASK_QUEUE,
        policy: "short",
        retryLimit: 1000,
        retryDelay: 1,
      });
      await boss.getDb().executeSql(
        `create table if not exists public.queue_submissions (
             task_id text primary key,
             submitted_at bigint not null
           );
         alter table public.queue_submissions add column if not exists job_id text`,
        [],
      );
    } catch (error) {
      await boss.stop({ graceful: false, wait: false }).catch(() => undefined);
      throw new SystemError(
        `cannot open the task queue in ${where}: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
    return new TaskQueue(boss, where);
  }

  /** Records that these tasks were submitted: their dependents may be enqueued later. */
  async recordSubmitted(taskIds: readonly string[], at: number): Promise<void> {
    if (taskIds.length === 0) return;
    await this.boss.getDb().executeSql(
      `insert into public.queue_submissions (task_id, submitted_at)
       select unnest($1::text[]), $2 on conflict (task_id) do nothing`,
      [taskIds, at],
    );
  }

  /** Every submitted task id. */
  async submitted(): Promise<Set<string>> {
    const { rows } = await this.boss
      .getDb()
      .executeSql(`select task_id from public.queue_submissions`, []);
    return new Set(
      z
        .array(z.object({ task_id: z.string() }))
        .parse(rows)
        .map((r) => r.task_id),
    );
  }

  /**
   * Puts a task on the queue unless it is already waiting there. Higher `priority` is taken
   * first; `timeoutMs` (the task's own limit) bounds how long pg-boss lets its job stay active.
   * Returns whether a new job was created.
   */
  async enqueue(taskId: string, priority: number, timeoutMs: number): Promise<boolean> {
    const id = await this.boss.send(TASK_QUEUE, { taskId } satisfies TaskJob, {
      singletonKey: taskId,
      priority,
      expireInSeconds: Math.min(MAX_EXPIRE_SECONDS, Math.ceil(timeoutMs / 1000) + 300),
    });
    if (id !== null) this.wake();
    return id !== null;
  }

  /**
   * Runs `handler` for jobs, `concurrency` at a time, each consumer asking for its next job as
   * soon as the last one settles (and every {@link IDLE_POLL_MS} while the queue is empty, or at
   * once after {@link wake}). A handler that resolves completes its job; one that throws fails
   * it, and pg-boss retries it (on any worker) a second later — but only while the job is still
   * this attempt: a job the orphan check handed to another worker is left to that worker.
   */
  work(concurrency: number, handler: (job: TakenJob) => Promise<unknown>): Consumer {
    let stopping = false;
    const loops = Array.from({ length: concurrency }, async () => {
      while (!stopping) {
        const job = await this.take().catch(() => undefined);
        if (job === undefined) {
          await this.idle();
          continue;
        }
        try {
          await handler(job);
          await this.settle(job, undefined);
        } catch (error) {
          await this.settle(job, error instanceof Error ? error.message : String(error));
        }
      }
    });
    return {
      stop: async () => {
        stopping = true;
        this.wake();
        await Promise.all(loops);
      },
    };
  }

  /** Wakes the idle consumers of this process (a task was just enqueued here). */
  wake(): void {
    for (const resolveIdle of this.sleepers.splice(0)) resolveIdle();
  }

  private idle(): Promise<void> {
    return new Promise((resolveIdle) => {
      const timer = setTimeout(() => {
        this.sleepers.splice(this.sleepers.indexOf(done), 1);
        resolveIdle();
      }, IDLE_POLL_MS);
      const done = (): void => {
        clearTimeout(timer);
        resolveIdle();
      };
      this.sleepers.push(done);
    });
  }

  /** Fetches the next job (highest priority first) and notes which job runs its task. */
  private async take(): Promise<TakenJob | undefined> {
    const [job] = await this.boss.fetch<unknown>(TASK_QUEUE, {
      batchSize: 1,
      priority: true,
      includeMetadata: true,
    });
    if (job === undefined) return undefined;
    const { taskId } = TaskJobSchema.parse(job.data);
    await this.boss
      .getDb()
      .executeSql(`update public.queue_submissions set job_id = $2 where task_id = $1`, [
        taskId,
        job.id,
      ]);
    return { taskId, jobId: job.id, attempt: job.retryCount };
  }

  /** Completes (no `failure`) or fails the job, if it is still active as this attempt. */
  private async settle(job: TakenJob, failure: string | undefined): Promise<void> {
    try {
      const current = await this.boss.getJobById(TASK_QUEUE, job.jobId);
      if (current?.state !== "active" || current.retryCount !== job.attempt) return;
      if (failure === undefined) await this.boss.complete(TASK_QUEUE, job.jobId);
      else await this.boss.fail(TASK_QUEUE, job.jobId, { reason: failure });
      await this.boss
        .getDb()
        .executeSql(
          `update public.queue_submissions set job_id = null where task_id = $1 and job_id = $2`,
          [job.taskId, job.jobId],
        );
    } catch {
      // The job stays active; the orphan check fails it once this worker's lease is gone.
    }
  }

  /**
   * Jobs active on any worker, with how long ago they started. pg-boss 10 has no public call
   * that lists active jobs, so the workers note in `queue_submissions` which job runs each task
   * (when they take it), and each noted job is read back through pg-boss's `getJobById`.
   */
  async activeJobs(): Promise<ActiveJob[]> {
    const { rows } = await this.boss
      .getDb()
      .executeSql(
        `select task_id, job_id from public.queue_submissions where job_id is not null`,
        [],
      );
    const active: ActiveJob[] = [];
    for (const row of z.array(TakenRowSchema).parse(rows)) {
      const job = await this.boss.getJobById(TASK_QUEUE, row.job_id);
      if (job?.state !== "active") continue;
      active.push({
        id: job.id,
        taskId: row.task_id,
        activeMs: Date.now() - new Date(job.startedOn).getTime(),
      });
    }
    return active;
  }

  /** Fails a job (its worker is gone) so that pg-boss retries it on another worker. */
  async failJob(jobId: string, reason: string): Promise<void> {
    await this.boss.fail(TASK_QUEUE, jobId, { reason });
  }

  /** How many jobs wait or run, for `submit`'s summary and the tests. */
  async counts(): Promise<{ queued: number; active: number }> {
    const queued = await this.boss.getQueueSize(TASK_QUEUE, { before: "active" });
    const started = await this.boss.getQueueSize(TASK_QUEUE, { before: "completed" });
    return { queued, active: started - queued };
  }

  /**
   * Stops taking jobs and closes the connections. `graceful`: first waits (up to
   * `timeoutMs`) for the jobs in hand to settle, so that their completion or failure is
   * recorded; otherwise they stay active until another worker's orphan check fails them.
   */
  async close(options: { graceful?: boolean; timeoutMs?: number } = {}): Promise<void> {
    await this.boss.stop({
      graceful: options.graceful ?? false,
      wait: true,
      close: true,
      timeout: options.timeoutMs ?? 30_000,
    });
  }
}
