/** State stores implementing the core `Store` port: SQLite (embedded) and PostgreSQL (shared). */
export {
  openSqliteStore,
  SqliteStore,
  BUSY_TIMEOUT_MS,
  configureConnection,
} from "./sqlite-store.js";
export { migrate } from "./migrations.js";
export type { SqliteStoreOptions } from "./sqlite-store.js";
export { openPostgresStore, PostgresStore } from "./postgres-store.js";
export type { PostgresStoreOptions } from "./postgres-store.js";
export { describeStoreLocation, openStore, storeMayHoldState } from "./open-store.js";
export type { StoreLocation } from "./open-store.js";
export { isPostgresUrl, redactDatabaseUrl } from "./database-url.js";
export { LATEST_SCHEMA_VERSION } from "./migrations.js";
