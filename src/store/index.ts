/** The embedded state store: SQLite through Kysely, implementing the core `Store` port. */
export {
  openSqliteStore,
  SqliteStore,
  BUSY_TIMEOUT_MS,
  configureConnection,
} from "./sqlite-store.js";
export { migrate } from "./migrations.js";
export type { SqliteStoreOptions } from "./sqlite-store.js";
export { LATEST_SCHEMA_VERSION } from "./migrations.js";
