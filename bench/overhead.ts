/**
 * bench/overhead: the orchestrator's own time per step. A 5-step task runs with zero-latency
 * scripted models and a gate with no checks, against a real SQLite store and real git; the time
 * spent inside git subprocesses is subtracted, leaving what the orchestrator itself costs.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ProcessResult, ProcessRunner, RunOptions } from "../src/core/ports.js";
import { systemClock } from "../src/core/ports.js";
import type { ModelSpec, ProjectConfig } from "../src/core/project-config.js";
import type { Task } from "../src/core/task.js";
import { Engine } from "../src/engine/engine.js";
import { createWorkspacePort } from "../src/workspace/index.js";
import { NodeProcessRunner } from "../src/process/node-process-runner.js";
import { happyScript } from "../test/support/script-builder.js";
import type { ScriptedStep } from "../test/support/script-builder.js";
import { ScriptedProvider } from "../src/providers/scripted-provider.js";
import { openSqliteStore } from "../src/store/index.js";

/** Wraps a runner and adds up the time its subprocesses take. */
class TimingRunner implements ProcessRunner {
  totalMs = 0;
  calls = 0;
  constructor(private readonly inner: ProcessRunner) {}
  async run(command: string, args: readonly string[], options: RunOptions): Promise<ProcessResult> {
    const started = performance.now();
    try {
      return await this.inner.run(command, args, options);
    } finally {
      this.totalMs += performance.now() - started;
      this.calls += 1;
    }
  }
}

const STEP_COUNT = 5;

function model(name: string, family: string): ModelSpec {
  return {
    name,
    provider: "scripted",
    model: name,
    family,
    tier: "medium",
    price: { input: 1, output: 2, cacheRead: 0, cacheWrite: 0 },
    args: [],
    env: {},
    timeoutMs: 60_000,
  };
}

function benchConfig(repoRoot: string, mode: "text" | "agent"): ProjectConfig {
  const models = [model("author", "family-a"), model("reviewer", "family-b")];
  return {
    repoRoot,
    configDir: join(repoRoot, ".orchestrator"),
    tasks: [],
    models: {
      models: new Map(models.map((m) => [m.name, m])),
      routing: {
        strategy: "rules",
        crossReview: true,
        implementerMode: mode,
        rules: [
          { roles: ["planner", "implementer"], use: ["author"], reason: "bench", index: 1 },
          {
            roles: ["plan_reviewer", "code_reviewer"],
            use: ["author", "reviewer"],
            reason: "bench",
            index: 2,
          },
        ],
      },
    },
    quality: {
      checks: new Map(),
      levels: { TRIVIAL: [], SMALL: [], MEDIUM: [], LARGE: [] },
      defaultLevel: "MEDIUM",
      maxAttempts: 3,
      planReviewRounds: 2,
      policyDocs: [],
      contextTokenBudget: 20_000,
    },
  };
}

function steps(mode: "text" | "agent"): ScriptedStep[] {
  return Array.from({ length: STEP_COUNT }, (_, i) => {
    const path = `src/module-${i + 1}.js`;
    const content = `export const value${i + 1} = ${i + 1};\n`;
    return mode === "agent"
      ? { id: `S${i + 1}`, description: `Add module ${i + 1}`, files: { [path]: content } }
      : { id: `S${i + 1}`, description: `Add module ${i + 1}`, text: writeBlock(path, content) };
  });
}

/** A whole-file write in the text-mode edit format. */
function writeBlock(path: string, content: string): string {
  return `Adds ${path}.\n\n<<<<<<< WRITE ${path}\n${content}>>>>>>> END\n`;
}

async function git(runner: ProcessRunner, cwd: string, args: string[]): Promise<void> {
  const r = await runner.run("git", args, { cwd });
  if (r.exitCode !== 0) throw new Error(`git ${args.join(" ")} failed: ${r.stderr}`);
}

interface Sample {
  readonly totalMs: number;
  readonly subprocessMs: number;
  readonly subprocessCalls: number;
}

async function runOnce(mode: "text" | "agent", index: number): Promise<Sample> {
  const dir = await mkdtemp(join(tmpdir(), "orchestrator-bench-"));
  const base = new NodeProcessRunner();
  try {
    await git(base, dir, ["init", "--quiet", "-b", "main"]);
    await git(base, dir, [
      "-c",
      "user.name=b",
      "-c",
      "user.email=b@b",
      "commit",
      "--quiet",
      "--allow-empty",
      "-m",
      "init",
    ]);
    const runner = new TimingRunner(base);
    const config = benchConfig(dir, mode);
    const store = await openSqliteStore(join(dir, ".orchestrator", "state.db"));
    const taskId = `BENCH-${index}`;
    const script = happyScript(taskId, steps(mode));
    const task: Task = {
      id: taskId,
      goal: "Add five modules",
      risk: "low",
      area: "core",
      repoPath: dir,
      repo: ".",
      contextFiles: [],
      constraints: [],
      priority: 0,
      dependsOn: [],
      timeoutMs: 3_600_000,
    };
    const engine = new Engine({
      store,
      clock: systemClock,
      config,
      runner,
      providerFor: (spec) => new ScriptedProvider(spec, script),
      workspace: createWorkspacePort(runner, dir),
      gate: () => Promise.resolve({ passed: true, checks: [], feedback: "" }),
      owner: "bench",
    });
    const started = performance.now();
    const outcome = await engine.runTask(task, null);
    const totalMs = performance.now() - started;
    await store.close();
    if (outcome.status !== "DONE") throw new Error(`bench task ended ${outcome.status}`);
    return { totalMs, subprocessMs: runner.totalMs, subprocessCalls: runner.calls };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
};

/** Runs the benchmark and prints its figures. */
export async function main(argv: readonly string[]): Promise<void> {
  const runs = Number(argv.find((a) => a.startsWith("--runs="))?.slice(7) ?? "7");
  for (const mode of ["text", "agent"] as const) {
    await runOnce(mode, 0); // warm-up: module loading, first SQLite open
    const samples: Sample[] = [];
    for (let i = 1; i <= runs; i++) samples.push(await runOnce(mode, i));
    const own = samples.map((s) => (s.totalMs - s.subprocessMs) / STEP_COUNT);
    console.log(`implementer mode: ${mode} (${runs} runs of a ${STEP_COUNT}-step task)`);
    console.log(
      `  total per task (median):          ${median(samples.map((s) => s.totalMs)).toFixed(1)} ms`,
    );
    console.log(
      `  in git subprocesses (median):     ${median(samples.map((s) => s.subprocessMs)).toFixed(1)} ms over ${median(samples.map((s) => s.subprocessCalls))} calls`,
    );
    console.log(
      `  orchestrator's own time per step: median ${median(own).toFixed(1)} ms, max ${Math.max(...own).toFixed(1)} ms (target < 50 ms)`,
    );
  }
}
