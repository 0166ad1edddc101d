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

/** A job that has been active for a while, as the orphan check sees it. */
export interface ActiveJob {
  readonly id: string;
  readonly taskId: string;
  /** Milliseconds since the job was started by a worker (by the database's clock). */
  readonly activeMs: number;
}

/** Longest a job may stay active before pg-boss itself fails it (its own limit is 24 h). */
const MAX_EXPIRE_SECONDS = 23 * 60 * 60;

const ActiveRowSchema = z.object({
  id: z.string(),
  task_id: z.string().nullable(),
  active_ms: z.coerce.number(),
});

/**
 * Ready tasks on a pg-boss queue in the shared PostgreSQL database, and the list of submitted
 * tasks (`queue_submissions`) that tells a worker which dependents to enqueue when a task is
 * DONE. One job per task at a time in the queue (`short` policy keyed by task id); a task's
 * job that outlives a dead worker is failed by {@link TaskQueue.failJob} and retried.
 */
export class TaskQueue {
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
           )`,
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
    return id !== null;
  }

  /**
   * Runs `handler` for jobs, `concurrency` at a time. A handler that resolves completes its
   * job; one that throws fails it, and pg-boss retries it (on any worker) a second later.
   */
  async work(
    concurrency: number,
    handler: (job: TaskJob, jobId: string) => Promise<void>,
  ): Promise<void> {
    for (let i = 0; i < concurrency; i++) {
      await this.boss.work<TaskJob>(
        TASK_QUEUE,
        { batchSize: 1, pollingIntervalSeconds: 0.5 },
        async (jobs) => {
          for (const job of jobs) await handler(TaskJobSchema.parse(job.data), job.id);
        },
      );
    }
  }

  /** Jobs active on any worker, with how long ago they started. */
  async activeJobs(): Promise<ActiveJob[]> {
    const { rows } = await this.boss.getDb().executeSql(
      `select id::text as id, data->>'taskId' as task_id,
              (extract(epoch from (now() - started_on)) * 1000)::bigint as active_ms
         from ${QUEUE_SCHEMA}.job where name = $1 and state = 'active'`,
      [TASK_QUEUE],
    );
    return z
      .array(ActiveRowSchema)
      .parse(rows)
      .flatMap((r) =>
        r.task_id === null ? [] : [{ id: r.id, taskId: r.task_id, activeMs: r.active_ms }],
      );
  }

  /** Fails a job (its worker is gone) so that pg-boss retries it on another worker. */
  async failJob(jobId: string, reason: string): Promise<void> {
    await this.boss.fail(TASK_QUEUE, jobId, { reason });
  }

  /** How many jobs wait or run, for `submit`'s summary and the tests. */
  async counts(): Promise<{ queued: number; active: number }> {
    const { rows } = await this.boss.getDb().executeSql(
      `select count(*) filter (where state in ('created', 'retry'))::int as queued,
              count(*) filter (where state = 'active')::int as active
         from ${QUEUE_SCHEMA}.job where name = $1`,
      [TASK_QUEUE],
    );
    return z.object({ queued: z.number(), active: z.number() }).parse(rows[0]);
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
