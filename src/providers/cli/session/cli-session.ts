import type { LiveExit, LiveProcess, LiveProcessLauncher } from "../../../core/live-process.js";
import { MAX_OUTPUT_CHARS } from "../../../core/ports.js";
import type { ModelRequest, ModelResponse, ProcessResult } from "../../../core/ports.js";
import type { ModelSpec } from "../../../core/project-config.js";
import { ProviderError } from "../../../core/provider-errors.js";
import { processFailure, tail, unstructuredFailure } from "../cli-failure.js";
import {
  SessionStartError,
  type SessionConnection,
  type SessionLaunch,
  type SessionProtocol,
} from "./session-protocol.js";

/** The CLI process of a session exited. */
class SessionExitedError extends Error {
  constructor(readonly exit: LiveExit) {
    super(`the session process exited (code ${String(exit.exitCode)})`);
    this.name = "SessionExitedError";
  }
}

type Outcome =
  | { readonly type: "done"; readonly value: Awaited<ReturnType<SessionConnection["ask"]>> }
  | { readonly type: "exited"; readonly exit: LiveExit }
  | { readonly type: "timeout" }
  | { readonly type: "aborted" }
  | { readonly type: "too_long" }
  | { readonly type: "failed"; readonly error: unknown };

/** Everything the CLI is started with: requests with the same key may share the process. */
export function sessionKey(
  binary: string,
  launch: SessionLaunch,
  cwd: string,
  env: Readonly<Record<string, string>>,
): string {
  return JSON.stringify([binary, launch.args, cwd, Object.entries(env).sort()]);
}

/**
 * One running CLI in its session mode, serving one call at a time. Each call is a fresh
 * conversation with the same prompt, limits and failure classes as one process per call: a call
 * past the model's timeout kills the process group (the session is then dead), a call whose
 * process exits mid-way fails like a process that exited.
 */
export class CliSession {
  private readonly process: LiveProcess;
  private readonly connection: SessionConnection;
  private opened: Promise<void> | undefined;
  private callLines: string[] = [];
  private transcript: string[] = [];
  private spoke = false;
  /** stdout characters before the current call; more than the cap in one call ends it. */
  private callStart = 0;
  private tooLong: (() => void) | undefined;
  private calls = 0;
  busy = false;

  constructor(
    launcher: LiveProcessLauncher,
    private readonly spec: ModelSpec,
    private readonly binary: string,
    protocol: SessionProtocol,
    launch: SessionLaunch,
    request: ModelRequest,
    env: Readonly<Record<string, string>>,
  ) {
    this.process = launcher.start(binary, launch.args, {
      cwd: request.cwd,
      env,
      ...(request.track === undefined ? {} : { track: request.track }),
    });
    this.connection = protocol.connect(spec, {
      send: (line) => {
        this.transcript.push(`> ${line}`);
        this.process.writeLine(line);
      },
      callResult: () => this.result({ exitCode: 0, signal: null, stderr: this.process.stderr() }),
    });
    this.process.onLine((line) => {
      this.spoke = true;
      if (this.process.stdoutChars() - this.callStart > MAX_OUTPUT_CHARS) {
        this.tooLong?.();
        return;
      }
      this.callLines.push(line);
      this.transcript.push(line);
      this.connection.handleLine(line);
    });
    void this.process.exited.then((exit) => {
      this.connection.close(new SessionExitedError(exit));
    });
  }

  /** The process group id (the leader's pid), when it started. */
  get pid(): number | undefined {
    return this.process.pid;
  }

  get alive(): boolean {
    return !this.process.done;
  }

  /**
   * Runs one request. Throws {@link SessionStartError} when the CLI did not come up (the caller
   * then runs the call as one process), a `ProviderError` when the call failed.
   */
  async call(request: ModelRequest, timeoutMs: number): Promise<ModelResponse> {
    const started = performance.now();
    const first = this.calls === 0;
    this.calls += 1;
    this.callLines = [];
    this.transcript = [];
    this.callStart = this.process.stdoutChars();
    const outcome = await this.run(request, timeoutMs);
    request.signal?.throwIfAborted();
    const transcript = this.transcript.join("\n");
    switch (outcome.type) {
      case "timeout": {
        const exit = await this.process.exited;
        throw (
          processFailure(this.spec, this.binary, this.result({ ...exit, timedOut: true }), {
            packageName: "",
            timeoutMs,
          }) ?? new ProviderError("timeout", this.spec.name, "timed out")
        );
      }
      case "too_long": {
        const cap = String(MAX_OUTPUT_CHARS / (1024 * 1024));
        throw new ProviderError(
          "malformed_output",
          this.spec.name,
          `${this.binary} printed more than the ${cap} MiB output cap in one call; its session ` +
            `was stopped and its answer could not be read`,
          { detail: tail(transcript, 4096) },
        );
      }
      case "aborted":
        request.signal?.throwIfAborted();
        throw new ProviderError("nonzero_exit", this.spec.name, "the call was aborted");
      case "exited":
        if (first && !this.spoke) {
          throw new SessionStartError(
            `${this.binary} exited with code ${String(outcome.exit.exitCode)} before answering: ` +
              (tail(outcome.exit.stderr) || "no output"),
          );
        }
        throw unstructuredFailure(
          this.spec,
          this.binary,
          this.result(outcome.exit),
          "its session ended mid-call",
        );
      case "failed":
        if (outcome.error instanceof SessionStartError) throw outcome.error;
        throw new SessionStartError(`${this.binary} session failed: ${String(outcome.error)}`, {
          cause: outcome.error,
        });
      case "done":
        break;
    }
    const answer = outcome.value;
    if (answer instanceof ProviderError) throw answer;
    return {
      text: answer.text,
      usage: answer.usage,
      ...(answer.costUsd === undefined ? {} : { costUsd: answer.costUsd }),
      modelId: answer.modelId ?? this.spec.model,
      durationMs: performance.now() - started,
      // The protocol lines carry the answer in pieces (streamed chunks); the whole follows.
      transcript: `${transcript}\n--- answer\n${answer.text}`,
    };
  }

  /** Ends the session: stdin closed, SIGTERM, then SIGKILL to its group. */
  async stop(): Promise<void> {
    await this.process.stop();
  }

  private async run(request: ModelRequest, timeoutMs: number): Promise<Outcome> {
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const stops: Promise<Outcome>[] = [
      this.process.exited.then((exit) => ({ type: "exited", exit }) as const),
    ];
    if (timeoutMs > 0) {
      stops.push(
        new Promise((resolve) => {
          timer = setTimeout(() => {
            resolve({ type: "timeout" });
          }, timeoutMs);
        }),
      );
    }
    stops.push(
      new Promise((resolve) => {
        this.tooLong = () => {
          resolve({ type: "too_long" });
        };
      }),
    );
    const signal = request.signal;
    if (signal) {
      stops.push(
        new Promise((resolve) => {
          onAbort = () => {
            resolve({ type: "aborted" });
          };
          if (signal.aborted) onAbort();
          else signal.addEventListener("abort", onAbort, { once: true });
        }),
      );
    }
    const work = (async (): Promise<Outcome> => {
      try {
        this.opened ??= this.connection.open();
        await this.opened;
      } catch (error) {
        if (error instanceof SessionExitedError) return { type: "exited", exit: error.exit };
        return { type: "failed", error };
      }
      try {
        return { type: "done", value: await this.connection.ask(request) };
      } catch (error) {
        if (error instanceof SessionExitedError) return { type: "exited", exit: error.exit };
        return { type: "failed", error };
      }
    })();
    try {
      const outcome = await Promise.race([work, ...stops]);
      // A call that ran out of time or was aborted leaves the CLI mid-turn: the session cannot
      // be reused, and nothing it started may go on writing into the worktree.
      if (outcome.type === "timeout") await this.process.stop();
      if (outcome.type === "aborted" || outcome.type === "too_long") await this.process.kill();
      // An exit reported while the answer was being read: the answer wins when it is complete.
      if (outcome.type === "exited") {
        const late = await Promise.race([work, Promise.resolve(undefined)]);
        if (late?.type === "done") return late;
      }
      return outcome;
    } finally {
      this.tooLong = undefined;
      if (timer) clearTimeout(timer);
      if (onAbort) signal?.removeEventListener("abort", onAbort);
    }
  }

  private result(fields: {
    exitCode: number | null;
    signal: NodeJS.Signals | null;
    stderr: string;
    timedOut?: boolean;
  }): ProcessResult {
    return {
      exitCode: fields.exitCode,
      signal: fields.signal,
      timedOut: fields.timedOut ?? false,
      durationMs: 0,
      stdout: this.callLines.join("\n"),
      stderr: fields.stderr,
    };
  }
}
