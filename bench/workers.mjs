#!/usr/bin/env node
// Throughput of 1, 2 and 4 workers on a shared PostgreSQL store; see bench/workers.ts.
import { runTs } from "./support/run-ts.mjs";

await runTs(new URL("./workers.ts", import.meta.url));
