#!/usr/bin/env node
// The quality gate's SMALL level against the full suite; see bench/gate.ts. It drives the built
// CLI: run `npm run build` first (or `npm run bench:gate`).
import { runTs } from "./support/run-ts.mjs";

await runTs(new URL("./gate.ts", import.meta.url));
