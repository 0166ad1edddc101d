import type { Generated } from "kysely";

/** `tasks`: the task definition last loaded from tasks.yaml, as JSON. */
export interface TasksTable {
  readonly id: string;
  readonly body: string;
  readonly updated_at: number;
}

/** `runs`: one row per orchestrator invocation. */
export interface RunsTable {
  readonly id: string;
  readonly command: string;
  readonly started_at: number;
  readonly finished_at: number | null;
  readonly status: string | null;
}

/** `events`: the append-only log; `seq` is the position in the whole log. */
export interface EventsTable {
  readonly seq: Generated<number>;
  readonly task_id: string;
  readonly run_id: string | null;
  readonly type: string;
  readonly schema_version: number;
  readonly body: string;
  readonly at: number;
}

/** `leases`: at most one owner per task until `expires_at` (ms since the epoch). */
export interface LeasesTable {
  readonly task_id: string;
  readonly owner: string;
  readonly expires_at: number;
}

/**
 * `budget_ledger`: model-call spend per task, UTC day and month. A row is a reservation
 * (`settled` 0, counted until `expires_at`) or a settled cost (`settled` 1).
 */
export interface BudgetLedgerTable {
  readonly id: string;
  readonly task_id: string;
  readonly day: string;
  readonly month: string;
  readonly amount_usd: number;
  readonly settled: number;
  readonly expires_at: number;
}

/** `child_processes`: process groups started for tasks that may still run (docs/RESUME.md). */
export interface ChildProcessesTable {
  readonly pid: number;
  readonly start_time: string;
  readonly pgid: number;
  readonly task_id: string;
  readonly attempt: number | null;
  readonly owner: string;
  readonly command: string;
  readonly started_at: number;
}

/** `schema_migrations`: one row per applied migration. */
export interface SchemaMigrationsTable {
  readonly version: number;
  readonly applied_at: number;
}

/** `lessons`: the embedded memory; `body` is a {@link Lesson} as JSON. */
export interface LessonsTable {
  readonly id: string;
  readonly repository: string;
  readonly task_id: string;
  readonly created_at: number;
  readonly body: string;
}

/** `memory_outbox`: lessons waiting to be written to a remote memory (RAE). */
export interface MemoryOutboxTable {
  readonly lesson_id: string;
  readonly body: string;
  readonly attempts: number;
  readonly next_at: number;
  readonly last_error: string | null;
}

/** The state database as Kysely sees it. */
export interface StoreDatabase {
  tasks: TasksTable;
  runs: RunsTable;
  events: EventsTable;
  leases: LeasesTable;
  budget_ledger: BudgetLedgerTable;
  child_processes: ChildProcessesTable;
  schema_migrations: SchemaMigrationsTable;
  lessons: LessonsTable;
  memory_outbox: MemoryOutboxTable;
}
