#!/usr/bin/env node
// Per-call wall time of each coding-agent CLI, one process per call vs a long-lived session;
// see bench/cli-calls.ts.
import { runTs } from "./support/run-ts.mjs";

await runTs(new URL("./cli-calls.ts", import.meta.url));
