import pc from "picocolors";

/** Where a command writes: human text on a TTY (colour when supported) or JSON for scripts. */
export interface Output {
  readonly json: boolean;
  readonly color: ReturnType<typeof pc.createColors>;
  /** Whether stdout is an interactive terminal (live progress, prompts). */
  readonly interactive: boolean;
  out(line: string): void;
  err(line: string): void;
  /** Prints one JSON value on its own line. */
  emit(value: unknown): void;
}

export interface OutputStreams {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream;
  readonly env: NodeJS.ProcessEnv;
}

/** Colour only on a TTY, never with NO_COLOR set, always with FORCE_COLOR set. */
export function colorEnabled(streams: OutputStreams): boolean {
  const env = streams.env;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "0") return true;
  return streams.stdout.isTTY === true && env.TERM !== "dumb";
}

export function createOutput(streams: OutputStreams, json: boolean): Output {
  const color = pc.createColors(colorEnabled(streams));
  return {
    json,
    color,
    interactive: streams.stdout.isTTY === true,
    out: (line) => streams.stdout.write(`${line}\n`),
    err: (line) => streams.stderr.write(`${line}\n`),
    emit: (value) => streams.stdout.write(`${JSON.stringify(value)}\n`),
  };
}
