export { failingTestNames } from "./failing-tests.js";
export { logEntryFor, stepIdOf } from "./log-entries.js";
export type { LogEntry, LogEntryOptions, LogLevel } from "./log-entries.js";
export { createLogger, DEFAULT_FILE_LEVEL, eventLogListener } from "./logger.js";
export type { LoggerOptions, OrchestratorLogger, TraceIds } from "./logger.js";
