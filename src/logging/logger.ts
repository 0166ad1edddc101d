import { isAbsolute, resolve } from "node:path";
import { destination, levels, multistream, pino } from "pino";
import type { DestinationStream, Level, Logger, StreamEntry } from "pino";
import { prettyFactory } from "pino-pretty";
import { UserError } from "../core/errors.js";
import type { EventListener } from "../core/event-listener.js";
import { logEntryFor, stepIdOf } from "./log-entries.js";

/** The ids of the span a task's work is running in, from the tracing layer. */
export interface TraceIds {
  readonly traceId: string;
  readonly spanId: string;
}

export interface LoggerOptions {
  readonly env: NodeJS.ProcessEnv;
  /** Where human (TTY) or JSON lines go when a level is chosen. */
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  /** `--log-level`; wins over `ORCHESTRATOR_LOG_LEVEL`. Setting either turns on stderr logging. */
  readonly level?: string | undefined;
  /** JSON log file; wins over `ORCHESTRATOR_LOG_FILE`. */
  readonly file?: string | undefined;
  /** A relative log file path is resolved against this directory (default: the process's). */
  readonly cwd?: string | undefined;
  /** The attempt limit per step, so retries read "retry attempt 2/3". */
  readonly maxAttempts?: number | undefined;
  /** The current trace and span of a task, added to each of its lines as trace_id/span_id. */
  readonly traceContext?: ((taskId: string) => TraceIds | undefined) | undefined;
}

/** A logger, the engine listener that writes the event log through it, and its flush. */
export interface OrchestratorLogger {
  readonly logger: Logger;
  /** Pass to the engine: one log line per recorded event. Never throws. */
  readonly listener: EventListener;
  /** Writes out anything buffered; call before the process exits. */
  flush(): void;
  /** Flushes and closes the log file. */
  close(): void;
}

/** The level the log file is written at when no level is chosen. */
export const DEFAULT_FILE_LEVEL = "info";

const LEVEL_NAMES = [...Object.keys(levels.values), "silent"];

function isLevel(value: string): value is Level | "silent" {
  return LEVEL_NAMES.includes(value);
}

function chosenLevel(options: LoggerOptions): Level | "silent" | undefined {
  const raw = options.level ?? options.env.ORCHESTRATOR_LOG_LEVEL;
  if (raw === undefined || raw.trim() === "") return undefined;
  const value = raw.trim().toLowerCase();
  if (!isLevel(value)) {
    const from = options.level === undefined ? "ORCHESTRATOR_LOG_LEVEL" : "--log-level";
    throw new UserError(`${from}: unknown log level "${raw}" (expected ${LEVEL_NAMES.join(", ")})`);
  }
  return value;
}

function colorWanted(options: LoggerOptions): boolean {
  const env = options.env;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "0") return true;
  return env.TERM !== "dumb";
}

/** Human lines on a terminal (formatted in-process, synchronously), JSON lines otherwise. */
function stderrStream(options: LoggerOptions): DestinationStream {
  const stderr = options.stderr;
  if (stderr.isTTY !== true) return { write: (line) => stderr.write(line) };
  const pretty = prettyFactory({
    colorize: colorWanted(options),
    translateTime: "SYS:HH:MM:ss",
    singleLine: true,
    ignore: "pid,hostname,task_id,step_id,run_id,trace_id,span_id,seq,event",
    messageFormat: "[{task_id}{if step_id} {step_id}{end}] {msg}",
  });
  return { write: (line) => stderr.write(pretty(line)) };
}

function filePath(options: LoggerOptions): string | undefined {
  const file = options.file ?? options.env.ORCHESTRATOR_LOG_FILE;
  if (file === undefined || file.trim() === "") return undefined;
  return isAbsolute(file) ? file : resolve(options.cwd ?? process.cwd(), file);
}

/** Lower (more verbose) of two levels. */
function lower(a: Level | "silent", b: Level | "silent"): Level | "silent" {
  const value = (l: Level | "silent"): number =>
    l === "silent" ? Infinity : (levels.values[l] ?? 0);
  return value(a) <= value(b) ? a : b;
}

/**
 * Creates the orchestrator's structured logger. Lines are JSON (pino) with `task_id`, `step_id`
 * and, when tracing is on, `trace_id`/`span_id`.
 *
 * - `ORCHESTRATOR_LOG_FILE` (or `file`): JSON lines appended to that file, at the chosen level
 *   or `info`.
 * - `ORCHESTRATOR_LOG_LEVEL` (or `level`, from `--log-level`): lines at that level or above
 *   also go to stderr: human-friendly on a terminal, JSON otherwise. Without it stderr gets
 *   nothing, so the normal command output is not doubled.
 */
export function createLogger(options: LoggerOptions): OrchestratorLogger {
  const level = chosenLevel(options);
  const file = filePath(options);
  const streams: StreamEntry[] = [];
  let fileStream: ReturnType<typeof destination> | undefined;
  if (file !== undefined && level !== "silent") {
    // The log holds task goals and model output: readable by its owner only.
    fileStream = destination({ dest: file, sync: true, mkdir: true, append: true, mode: 0o600 });
    streams.push({ stream: fileStream, level: level ?? DEFAULT_FILE_LEVEL });
  }
  if (level !== undefined && level !== "silent") {
    streams.push({ stream: stderrStream(options), level });
  }
  const min = streams.reduce<Level | "silent">(
    (acc, s) => lower(acc, s.level ?? DEFAULT_FILE_LEVEL),
    "silent",
  );
  const logger = pino(
    { level: min, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime },
    streams.length === 0 ? { write: () => undefined } : multistream(streams),
  );
  const listener = eventLogListener(logger, options);
  return {
    logger,
    listener,
    flush: () => {
      fileStream?.flushSync();
    },
    close: () => {
      fileStream?.flushSync();
      fileStream?.end();
    },
  };
}

/** The engine listener: one line per event, with the task, step and trace ids. */
export function eventLogListener(
  logger: Logger,
  options: Pick<LoggerOptions, "maxAttempts" | "traceContext"> = {},
): EventListener {
  return (event, view) => {
    try {
      const { level, msg, fields } = logEntryFor(event, view, { maxAttempts: options.maxAttempts });
      if (!logger.isLevelEnabled(level)) return;
      const stepId = stepIdOf(event, view);
      const trace = options.traceContext?.(event.taskId);
      logger[level](
        {
          task_id: event.taskId,
          ...(stepId === undefined ? {} : { step_id: stepId }),
          ...(event.runId === null ? {} : { run_id: event.runId }),
          ...(trace === undefined ? {} : { trace_id: trace.traceId, span_id: trace.spanId }),
          seq: event.seq,
          event: event.body.type,
          ...fields,
        },
        msg,
      );
    } catch {
      // Logging must never fail a task; a broken log destination loses lines, nothing more.
    }
  };
}
