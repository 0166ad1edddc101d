#!/usr/bin/env node
// Routing strategies on a synthetic workload; see src/bench/routing.ts. Run `npm run build` first.
import { main } from "../dist/bench/routing.js";

await main(process.argv.slice(2));
