#!/usr/bin/env node
// The orchestrator's own time per step; see bench/overhead.ts.
import { runTs } from "./support/run-ts.mjs";

await runTs(new URL("./overhead.ts", import.meta.url));
