#!/usr/bin/env node
// Routing strategies on a synthetic workload; see bench/routing.ts.
import { runTs } from "./support/run-ts.mjs";

await runTs(new URL("./routing.ts", import.meta.url));
