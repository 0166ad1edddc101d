/**
 * A separate process that writes to a shared PostgreSQL store, for the contention test. Run by
 * `child-process.ts` after transpiling; not part of the build.
 *
 *   mixed <url> <name> <rounds>   per round: appends to the shared task S and its own task
 *                                 P-<name>, a batch of 3 to task B, then enters the
 *                                 lease-guarded section of task L
 *   budget <url> <task> <cents>   reserves and settles 1 cent until the day's limit of `cents`
 *                                 refuses; prints how many it got
 */
import { openPostgresStore } from "../../src/store/postgres-store.js";
import { enterLeasedSection, note, spendUntilRefused } from "./store-child-work.js";

async function main(args: string[]): Promise<void> {
  const [mode, url, name, rounds] = args;
  if (url === undefined || name === undefined || rounds === undefined)
    throw new Error("usage: mixed|budget <url> <name> <rounds>");
  const store = await openPostgresStore(url);
  try {
    if (mode === "budget") {
      await spendUntilRefused(store, name, Number(rounds));
      return;
    }
    if (mode !== "mixed") throw new Error(`unknown mode ${String(mode)}`);
    for (let i = 0; i < Number(rounds); i++) {
      await Promise.all([
        store.append("S", null, note(`${name} ${i}`)),
        store.append(`P-${name}`, null, note(`${i}`)),
        store.appendAll("B", null, [
          note(`${name} ${i}`),
          note(`${name} ${i}`),
          note(`${name} ${i}`),
        ]),
      ]);
      await enterLeasedSection(store, name, 1);
    }
  } finally {
    await store.close();
  }
  process.stdout.write("done\n");
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
