/** Adapters of the `Memory` port: embedded (SQLite FTS5) and the RAE service. */
export { SqliteMemory, ftsQuery } from "./sqlite-memory.js";
export { RaeMemory } from "./rae-memory.js";
export type { RaeTransport } from "./rae-memory.js";
export { openMemory } from "./open-memory.js";
export type { OpenMemoryOptions } from "./open-memory.js";
