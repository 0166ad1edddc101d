// Runs a bench program written in TypeScript: registers the hooks of ts-hooks.mjs, then imports
// the program and calls its `main` with the command-line arguments.
import { register } from "node:module";

register("./ts-hooks.mjs", import.meta.url);

/** Imports `program` (a URL of a `.ts` file) and runs its `main`. */
export async function runTs(program) {
  const { main } = await import(program.href);
  await main(process.argv.slice(2));
}
