import type { CommandSpec } from "../core/project-config.js";

/** What `{files}` and `{base}` stand for in a check's command. */
export interface CommandValues {
  /** Changed files, repository-relative. */
  readonly files: readonly string[];
  /** The base commit SHA ("" when there is none). */
  readonly base: string;
}

/** Quotes one word for `sh -c`, leaving plain paths as they are. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/** Whether a command mentions `{files}`. */
export function usesFiles(command: CommandSpec): boolean {
  return typeof command === "string"
    ? command.includes("{files}")
    : command.some((arg) => arg.includes("{files}"));
}

/**
 * The program and arguments of a command with `{files}` and `{base}` replaced. A string is the
 * user's command line, run by `sh -c`, and gets the files shell-quoted; in an argument list an
 * argument that is exactly `{files}` becomes one argument per file (none when no file changed).
 */
export function expandCommand(command: CommandSpec, values: CommandValues): [string, string[]] {
  if (typeof command === "string") {
    const line = command
      .replaceAll("{files}", values.files.map(shellQuote).join(" "))
      .replaceAll("{base}", values.base);
    return ["sh", ["-c", line]];
  }
  const argv = command.flatMap((arg) =>
    arg === "{files}"
      ? [...values.files]
      : [arg.replaceAll("{files}", values.files.join(" ")).replaceAll("{base}", values.base)],
  );
  const [program = "", ...args] = argv;
  return [program, args];
}

/** A command as shown in logs. */
export function displayCommand(command: CommandSpec): string {
  if (typeof command === "string") return command;
  return command.map((arg) => (/^[\w./:=@+{}-]+$/.test(arg) ? arg : JSON.stringify(arg))).join(" ");
}
