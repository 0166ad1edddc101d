#!/usr/bin/env node
// The quality gate's SMALL level against the full suite; see src/bench/gate.ts.
// Run `npm run build` first (or `npm run bench:gate`).
import { main } from "../dist/bench/gate.js";

await main(process.argv.slice(2));
