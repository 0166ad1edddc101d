import type { Generated } from "kysely";
import type {
  BudgetLedgerTable,
  ChildProcessesTable,
  EventsTable,
  LeasesTable,
  RunsTable,
  SchemaMigrationsTable,
  TasksTable,
} from "./schema.js";

/** `events` on PostgreSQL: `seq` comes from `event_counter`, not from an auto-increment. */
export interface PgEventsTable extends Omit<EventsTable, "seq"> {
  readonly seq: number;
}

/** `event_counter`: one row (`id` 1) holding the last sequence number handed out. */
export interface EventCounterTable {
  readonly id: number;
  readonly last_seq: number;
}

/** The PostgreSQL state database as Kysely sees it; `ord` keeps insertion order. */
export interface PgStoreDatabase {
  tasks: TasksTable & { readonly ord: Generated<number> };
  runs: RunsTable & { readonly ord: Generated<number> };
  events: PgEventsTable;
  event_counter: EventCounterTable;
  leases: LeasesTable;
  budget_ledger: BudgetLedgerTable;
  child_processes: ChildProcessesTable & { readonly ord: Generated<number> };
  schema_migrations: SchemaMigrationsTable;
}
