#!/usr/bin/env node
// Start-up time of the built CLI, measured from outside (wall time of whole processes), next to
// the physical floor measured in the same run: `node -e 0`. Targets: `--version` within 2x of
// the floor, `status` (a repository with one task, no state yet) under 250 ms.
//
//   npm run build && node bench/startup.mjs [--runs=15]
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const CLI = fileURLToPath(new URL("../bin/orchestrator.js", import.meta.url));
const runsArg = process.argv.find((a) => a.startsWith("--runs="));
const RUNS = runsArg === undefined ? 15 : Number(runsArg.slice("--runs=".length));

const repo = mkdtempSync(join(tmpdir(), "orchestrator-startup-"));
execFileSync("git", ["init", "--quiet", repo]);
mkdirSync(join(repo, ".orchestrator"));
writeFileSync(
  join(repo, ".orchestrator", "tasks.yaml"),
  "tasks:\n  - { id: T-1, goal: Do a thing, risk: low, area: docs }\n",
);

function sample(args, status = 0) {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { cwd: repo, encoding: "utf8" });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== status)
    throw new Error(`${args.join(" ")} exited ${result.status}: ${result.stderr}`);
  return ms;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const cases = {
  "node -e 0": ["-e", "0"],
  "orchestrator --version": [CLI, "--version"],
  "orchestrator status": [CLI, "status"],
  "orchestrator run (start)": [CLI, "run", "--task", "T-1"],
};
/** Exit codes other than 0 that a case ends with on purpose. */
const EXPECTED_STATUS = { "orchestrator run (start)": 2 };
const times = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
try {
  // Interleaved, so a burst of load on the machine hits every case alike.
  for (let i = 0; i < RUNS; i += 1) {
    for (const [name, args] of Object.entries(cases)) {
      times[name].push(sample(args, EXPECTED_STATUS[name] ?? 0));
    }
  }
} finally {
  rmSync(repo, { recursive: true, force: true });
}

const floor = median(times["node -e 0"]);
const version = median(times["orchestrator --version"]);
const status = median(times["orchestrator status"]);
console.log(`runs: ${RUNS} each, interleaved; medians of wall time`);
for (const [name, values] of Object.entries(times)) {
  console.log(
    `  ${name.padEnd(24)} ${median(values).toFixed(0).padStart(6)} ms  (min ${Math.min(...values).toFixed(0)})`,
  );
}
const ratio = version / floor;
console.log(
  `--version: ${ratio.toFixed(2)}x node -e 0 (target <= 2x): ${ratio <= 2 ? "PASS" : "OVER TARGET"}`,
);
console.log(
  `status: ${status.toFixed(0)} ms (target < 250 ms on an idle machine): ` +
    `${status < 250 ? "PASS" : "OVER TARGET"}` +
    ` (${(status / floor).toFixed(2)}x the floor of this machine now)`,
);
