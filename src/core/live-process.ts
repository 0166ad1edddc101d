import type { ChildTracker } from "./ports.js";

/** How a long-lived child ended. */
export interface LiveExit {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  /** The last part of what it printed on stderr (the reason, when it failed). */
  readonly stderr: string;
}

/**
 * A child that stays up across several requests (a coding-agent CLI in session mode): lines in
 * on stdin, lines out on stdout. It leads its own process group, which is registered with the
 * tracker before it runs and killed when this process exits.
 */
export interface LiveProcess {
  readonly pid: number | undefined;
  /** Writes one line on stdin (the newline is added). Ignored once stdin is closed. */
  writeLine(text: string): void;
  /** Called with every complete stdout line, in order. */
  onLine(listener: (line: string) => void): void;
  /** Settles once the process has exited and its group is gone (never rejects). */
  readonly exited: Promise<LiveExit>;
  /** Whether it has exited. */
  readonly done: boolean;
  /** What it printed on stderr so far (the tail). */
  stderr(): string;
  /** Characters printed on stdout so far (a caller caps what one request may print). */
  stdoutChars(): number;
  /** Closes stdin, sends SIGTERM to the group, then SIGKILL after a grace period; awaits the exit. */
  stop(): Promise<LiveExit>;
  /** SIGKILL to the whole group at once; awaits the exit. */
  kill(): Promise<LiveExit>;
}

export interface LiveProcessOptions {
  readonly cwd: string;
  /** Extra variables on top of the current environment. */
  readonly env?: Readonly<Record<string, string>>;
  /** Registers the child before it runs and after its group is gone (crash recovery). */
  readonly track?: ChildTracker;
}

/** Starts long-lived children with argument arrays; never a shell string built from input. */
export interface LiveProcessLauncher {
  start(command: string, args: readonly string[], options: LiveProcessOptions): LiveProcess;
}
