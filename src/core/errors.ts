/**
 * One root error with subclasses by who is at fault: the user's input, a model's behaviour,
 * or the system. Exit codes are mapped in one place: {@link exitCodeFor}.
 */
export class OrchestratorError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** One problem found in a user's file, pointing at the place it was found. */
export interface Problem {
  /** Path of the file as the user would type it (relative to the repository when possible). */
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** Dotted field path such as `tasks[2].risk`; empty for the whole document. */
  readonly path: string;
  /** What is wrong: what was expected and what was found. */
  readonly message: string;
}

/** Formats a problem as the one-line `file:line:column: path: message` users see. */
export function formatProblem(p: Problem): string {
  const where = `${p.file}:${p.line}:${p.column}`;
  return p.path === "" ? `${where}: ${p.message}` : `${where}: ${p.path}: ${p.message}`;
}

/** The user's input (a config file, a flag, a task id) is wrong. Exit code 2. */
export class UserError extends OrchestratorError {}

/** One or more problems in configuration files. Exit code 2. */
export class ConfigError extends UserError {
  readonly problems: readonly Problem[];
  constructor(problems: readonly Problem[]) {
    super(problems.map(formatProblem).join("\n"));
    this.problems = problems;
  }
}

/** A model answered with something unusable after the allowed repair attempts. */
export class ModelBehaviorError extends OrchestratorError {}

/** Something in the environment failed: git, the file system, a subprocess, the database. */
export class SystemError extends OrchestratorError {}

/** Another orchestrator process holds the task's lease. Exit code 4. */
export class LeaseHeldError extends OrchestratorError {
  constructor(
    readonly taskId: string,
    readonly owner: string,
  ) {
    super(
      `task ${taskId} is being run by another orchestrator process (${owner}); ${howToStop(owner)}`,
    );
  }
}

/**
 * This process no longer holds a task's lease (it lapsed, or another worker took it over): it
 * must not write, commit or push for the task any more. A system fault (exit code 3).
 */
export class LeaseLostError extends SystemError {
  constructor(
    readonly taskId: string,
    readonly reason: string,
  ) {
    super(`task ${taskId}: lease lost (${reason}); this process stops the task`);
  }
}

/** How to stop the process named by a lease owner (`host:pid:nonce`). */
export function howToStop(owner: string): string {
  const match = /^(.*):(\d+):[0-9a-f]+$/.exec(owner);
  const where = match === null ? "" : ` (or kill -INT ${match[2] ?? ""} on ${match[1] ?? ""})`;
  return (
    `stop it first: press Ctrl-C in the terminal where it runs${where}; ` +
    `it stops at its next durable point, then try again`
  );
}

/** A requested state change is not allowed by the task state machine. */
export class IllegalTransitionError extends OrchestratorError {
  constructor(
    readonly from: string,
    readonly event: string,
  ) {
    super(`event ${event} is not allowed in state ${from}`);
  }
}

/** Documented exit codes. README's "Exit codes" table lists the same values. */
export const ExitCode = {
  ok: 0,
  /** A task ended without DONE (awaiting a human, failed, aborted). */
  taskNotDone: 1,
  /** Bad input: configuration, flags, unknown task. Nothing was changed. */
  userError: 2,
  /** Internal or environment failure (git, database, file system). */
  systemError: 3,
  /** Another process holds the task's lease. */
  leaseHeld: 4,
  /** Interrupted by SIGINT/SIGTERM; state is saved and `resume` continues. */
  interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Maps any thrown value to the documented exit code. */
export function exitCodeFor(error: unknown): ExitCode {
  if (error instanceof UserError) return ExitCode.userError;
  if (error instanceof LeaseHeldError) return ExitCode.leaseHeld;
  return ExitCode.systemError;
}
