import { Command, CommanderError } from "commander";
import { ExitCode, exitCodeFor, OrchestratorError, UserError } from "../core/errors.js";
import type { CliContext } from "./context.js";
import { registerCommands } from "./commands/index.js";
import { packageVersion } from "./version.js";

/**
 * Builds the command tree with the commands `argv` needs (all of them without `argv`); exported
 * so tests can inspect every command's help.
 */
/** pino's levels (not imported here: `--version` and `status` load no logger). */
const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"];

/** `--log-level` with an unknown level is bad input (exit 2) for every command. */
function assertLogLevel(level: string | undefined): void {
  if (level === undefined || LOG_LEVELS.includes(level.trim().toLowerCase())) return;
  throw new UserError(
    `--log-level: unknown log level "${level}" (expected ${LOG_LEVELS.join(", ")})`,
  );
}

export async function buildProgram(ctx: CliContext, argv?: readonly string[]): Promise<Command> {
  const program = new Command("orchestrator")
    .description(
      "Plans, cross-reviews, implements, gates and commits tasks with several model families.",
    )
    .version(packageVersion(), "-V, --version")
    .option("-C, --repo <dir>", "the target repository (default: the current one)")
    .option(
      "--log-level <level>",
      "also log to stderr at this level: trace, debug, info, warn, error, fatal, silent",
    )
    .hook("preAction", () => {
      assertLogLevel(program.opts<{ logLevel?: string }>().logLevel);
    })
    .showHelpAfterError("(run with --help for usage)")
    .configureOutput({
      writeOut: (s) => ctx.stdout.write(s),
      writeErr: (s) => ctx.stderr.write(s),
    })
    .exitOverride();
  await registerCommands(program, ctx, argv?.slice(2));
  for (const command of program.commands) {
    command.exitOverride().configureOutput({
      writeOut: (s) => ctx.stdout.write(s),
      writeErr: (s) => ctx.stderr.write(s),
    });
  }
  return program;
}

function describeError(error: unknown): string {
  if (error instanceof OrchestratorError) return error.message;
  if (error instanceof Error) return `internal error: ${error.stack ?? error.message}`;
  return `internal error: ${String(error)}`;
}

/** Runs the CLI with the given argv and streams; returns the exit code (never exits itself). */
export async function run(argv: readonly string[], ctx: CliContext): Promise<number> {
  try {
    const program = await buildProgram(ctx, argv);
    await program.parseAsync([...argv]);
    return ctx.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version end with code 0; usage errors are the user's: exit 2.
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.userError;
    }
    const message = describeError(error);
    for (const line of message.split("\n")) ctx.stderr.write(`orchestrator: ${line}\n`);
    return exitCodeFor(error);
  }
}

/** Entry point of the `orchestrator` binary. */
export function main(argv: readonly string[]): Promise<number> {
  return run(argv, {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    exitCode: 0,
  });
}
