/** Adapters of the `Memory` port: embedded (SQLite FTS5, PostgreSQL full-text) and RAE. */
export { SqliteMemory, ftsQuery } from "./sqlite-memory.js";
export { PostgresMemory } from "./postgres-memory.js";
export type { LocalMemory, OutboxEntry } from "./local-memory.js";
export { RaeMemory } from "./rae-memory.js";
export type { RaeTransport } from "./rae-memory.js";
export { openMemory } from "./open-memory.js";
export type { OpenMemoryOptions } from "./open-memory.js";
