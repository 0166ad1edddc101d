/** The embedded state store: SQLite through Kysely, implementing the core `Store` port. */
export { openSqliteStore, SqliteStore, BUSY_TIMEOUT_MS } from "./sqlite-store.js";
export type { SqliteStoreOptions } from "./sqlite-store.js";
export { LATEST_SCHEMA_VERSION } from "./migrations.js";
