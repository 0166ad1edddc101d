#!/usr/bin/env node
// Makespan of `run --batch` at --jobs 1, 4 and 8 against the ideal; see bench/parallel.ts.
import { runTs } from "./support/run-ts.mjs";

await runTs(new URL("./parallel.ts", import.meta.url));
