import type { Command } from "commander";
import type { CliContext } from "../context.js";

type Register = (program: Command, ctx: CliContext) => void;

/**
 * Every command of the CLI, in the order `--help` lists them, each loaded only when needed: a
 * command's module pulls in the engine, the store or the providers, which `--version` and
 * `status` must not pay for.
 */
const COMMANDS: readonly { readonly names: readonly string[]; load(): Promise<Register> }[] = [
  { names: ["init"], load: async () => (await import("./init.js")).registerInit },
  { names: ["validate"], load: async () => (await import("./validate.js")).registerValidate },
  { names: ["doctor"], load: async () => (await import("./doctor.js")).registerDoctor },
  { names: ["run", "resume"], load: async () => (await import("./run.js")).registerRun },
  { names: ["submit"], load: async () => (await import("./submit.js")).registerSubmit },
  { names: ["worker"], load: async () => (await import("./worker.js")).registerWorker },
  { names: ["land"], load: async () => (await import("./land.js")).registerLand },
  { names: ["gate"], load: async () => (await import("./gate.js")).registerGate },
  { names: ["status"], load: async () => (await import("./status.js")).registerStatus },
  { names: ["review", "abort"], load: async () => (await import("./review.js")).registerReview },
  { names: ["export"], load: async () => (await import("./export.js")).registerExport },
  { names: ["log"], load: async () => (await import("./log.js")).registerLog },
  { names: ["memory"], load: async () => (await import("./memory.js")).registerMemory },
  { names: ["propose"], load: async () => (await import("./propose.js")).registerPropose },
  { names: ["estimate"], load: async () => (await import("./estimate.js")).registerEstimate },
  { names: ["report"], load: async () => (await import("./report.js")).registerReport },
  { names: ["serve"], load: async () => (await import("./serve.js")).registerServe },
  {
    names: ["migrate-store"],
    load: async () => (await import("./migrate-store.js")).registerMigrateStore,
  },
  {
    names: ["import", "github"],
    load: async () => (await import("./github.js")).registerGithub,
  },
  { names: ["demo"], load: async () => (await import("./demo.js")).registerDemo },
];

/** Global options that take a value as the next argument. */
const VALUE_OPTIONS = new Set(["-C", "--repo", "--log-level"]);

/**
 * Which commands a command line needs: the one it names; none for a bare `--version`; all of
 * them for `--help`, `help`, no command or an unknown one (so the help and the "did you mean"
 * of commander see every command).
 */
export function commandsFor(args: readonly string[]): "all" | "none" | readonly string[] {
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] ?? "";
    if (arg === "-h" || arg === "--help") return "all";
    if (arg === "-V" || arg === "--version") return "none";
    if (VALUE_OPTIONS.has(arg)) {
      i += 1;
      continue;
    }
    if (arg.startsWith("-")) continue;
    const entry = COMMANDS.find((c) => c.names.includes(arg));
    return entry === undefined ? "all" : entry.names;
  }
  return "all";
}

/** Registers the commands `args` (the arguments after the program name) needs. */
export async function registerCommands(
  program: Command,
  ctx: CliContext,
  args?: readonly string[],
): Promise<void> {
  const wanted = args === undefined ? "all" : commandsFor(args);
  if (wanted === "none") return;
  const chosen =
    wanted === "all" ? COMMANDS : COMMANDS.filter((c) => c.names.some((n) => wanted.includes(n)));
  const registers = await Promise.all(chosen.map((c) => c.load()));
  for (const register of registers) register(program, ctx);
}
