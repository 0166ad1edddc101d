import type { ModelRequest, ProcessResult } from "../../../core/ports.js";
import type { ModelSpec } from "../../../core/project-config.js";
import type { ProviderError } from "../../../core/provider-errors.js";
import type { CliAnswer, CliDialect } from "../cli-dialect.js";

/** How to start a CLI's long-lived mode for requests like this one. */
export interface SessionLaunch {
  readonly args: readonly string[];
  /** The CLI's own defaults, below the request's env and the model's configured `env`. */
  readonly env: Readonly<Record<string, string>>;
}

/** What a connection may use of the session that carries it. */
export interface SessionLink {
  /** Writes one line to the CLI's stdin (recorded in the transcript). */
  send(line: string): void;
  /**
   * The current call's exchange as a process result (stdout: the lines the CLI printed during
   * the call), for the failure helpers shared with the one-process-per-call path.
   */
  callResult(): ProcessResult;
}

/** The protocol spoken with one running CLI. */
export interface SessionConnection {
  /** Feeds one line the CLI printed on stdout. */
  handleLine(line: string): void;
  /** The handshake after start; rejects when the CLI does not come up (see {@link SessionStartError}). */
  open(): Promise<void>;
  /**
   * Runs one request as a fresh conversation (no memory of earlier calls). Resolves with the
   * answer or the failure the CLI reported; rejects only when the connection is closed.
   */
  ask(request: ModelRequest): Promise<CliAnswer | ProviderError>;
  /** The CLI is gone: whatever waits fails with `error`. */
  close(error: Error): void;
}

/**
 * A CLI's long-lived mode: Claude Code's stream-json input, Gemini CLI's Agent Client
 * Protocol, Codex's app-server. The one-process-per-call {@link CliDialect} stays the fallback.
 */
export interface SessionProtocol {
  readonly kind: CliDialect["kind"];
  /** The mode's name, for messages and docs (`stream-json`, `acp`, `app-server`). */
  readonly mode: string;
  /**
   * Arguments and env to start the CLI for this request. Two requests with the same launch (and
   * working directory and env) may share a process; anything fixed at start-up belongs here.
   */
  launch(spec: ModelSpec, request: ModelRequest): SessionLaunch;
  connect(spec: ModelSpec, link: SessionLink): SessionConnection;
}

/** The CLI's session mode did not come up; the call runs as one process instead. */
export class SessionStartError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "SessionStartError";
  }
}
