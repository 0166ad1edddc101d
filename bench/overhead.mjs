#!/usr/bin/env node
// The orchestrator's own time per step; see src/bench/overhead.ts. Run `npm run build` first.
import { main } from "../dist/bench/overhead.js";

await main(process.argv.slice(2));
