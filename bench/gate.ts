/**
 * bench/gate: the quality gate's SMALL level (only the tests related to the changed file) against
 * the full suite (MEDIUM), through the real `orchestrator gate` command on a generated project of
 * 40 modules x 8 vitest tests, for a one-file change that keeps the tests green and for one that
 * breaks the changed module's tests. Both levels must reach the same verdict.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import type { ProcessRunner } from "../src/core/ports.js";
import { NodeProcessRunner } from "../src/process/node-process-runner.js";
import { DEFAULT_SHAPE, moduleName, writeGateBench } from "./gate-project.js";
import type { GateBenchShape } from "./gate-project.js";

const CLI = fileURLToPath(new URL("../bin/orchestrator.js", import.meta.url));
const NODE_MODULES = fileURLToPath(new URL("../node_modules", import.meta.url));

/** The part of `orchestrator gate --json` the bench reads. */
const GateOutputSchema = z.looseObject({
  passed: z.boolean(),
  level: z.string(),
  checks: z.array(
    z.looseObject({
      name: z.string(),
      passed: z.boolean(),
      durationMs: z.number(),
      mode: z.string().nullish(),
      findings: z
        .looseObject({
          tests: z
            .looseObject({
              regressions: z.array(z.looseObject({ name: z.string() })),
              total: z.number(),
            })
            .nullish(),
        })
        .nullish(),
    }),
  ),
});

/** One gate run as the bench saw it. */
export interface GateSample {
  readonly level: string;
  /** Wall time of the whole `orchestrator gate` process. */
  readonly wallMs: number;
  /** The `tests` check alone, as the gate measured it. */
  readonly testsMs: number;
  readonly passed: boolean;
  readonly mode: string;
  /** Tests in the run's report. */
  readonly testsRun: number;
  /** Names of the regressed tests, sorted: the verdict's content. */
  readonly regressions: readonly string[];
}

/** A change of one file and how each level judged it. */
export interface ChangeResult {
  readonly change: string;
  readonly small: readonly GateSample[];
  readonly full: readonly GateSample[];
}

/** Options of one bench run. */
export interface GateBenchOptions {
  readonly runs: number;
  readonly shape: GateBenchShape;
  /** The module whose source the change edits (zero-based). */
  readonly module: number;
}

const GIT_IDENTITY = ["-c", "user.name=bench", "-c", "user.email=bench@example.com"];

async function must(
  runner: ProcessRunner,
  cwd: string,
  command: string,
  args: readonly string[],
): Promise<string> {
  const result = await runner.run(command, args, { cwd, timeoutMs: 600_000 });
  if (result.exitCode !== 0) {
    throw new Error(`${command} ${args.join(" ")} failed (${result.exitCode}): ${result.stderr}`);
  }
  return result.stdout.trim();
}

/** Runs `orchestrator gate --json` once at `level` against `base`. */
async function gateOnce(
  runner: ProcessRunner,
  root: string,
  level: string,
  base: string,
): Promise<GateSample> {
  const args = [CLI, "gate", "--json", "--level", level, "--base", base];
  const started = performance.now();
  const result = await runner.run(process.execPath, args, { cwd: root, timeoutMs: 600_000 });
  const wallMs = performance.now() - started;
  let value: unknown;
  try {
    value = JSON.parse(result.stdout);
  } catch {
    throw new Error(
      `orchestrator gate --level ${level} printed no JSON (exit ${result.exitCode}):\n${result.stdout}${result.stderr}`,
    );
  }
  const gate = GateOutputSchema.parse(value);
  const tests = gate.checks.find((c) => c.name === "tests");
  if (!tests) throw new Error(`orchestrator gate --level ${level} ran no tests check`);
  return {
    level: gate.level,
    wallMs,
    testsMs: tests.durationMs,
    passed: gate.passed,
    mode: tests.mode ?? "full",
    testsRun: tests.findings?.tests?.total ?? 0,
    regressions: (tests.findings?.tests?.regressions ?? []).map((r) => r.name).sort(),
  };
}

/** Runs SMALL and MEDIUM alternately, `runs` times each, on the working tree as it is. */
async function measure(
  runner: ProcessRunner,
  root: string,
  base: string,
  change: string,
  runs: number,
): Promise<ChangeResult> {
  const small: GateSample[] = [];
  const full: GateSample[] = [];
  for (let i = 0; i < runs; i += 1) {
    small.push(await gateOnce(runner, root, "SMALL", base));
    full.push(await gateOnce(runner, root, "MEDIUM", base));
  }
  return { change, small, full };
}

/**
 * Generates the project in a temp repository, warms the baseline up (the first gate run on a
 * base computes it; later runs reuse it, as every step of a task after the first does), then
 * measures a green and a red change of one module.
 */
export async function runGateBench(options: GateBenchOptions): Promise<{
  readonly tests: number;
  readonly baselineMs: number;
  readonly results: readonly ChangeResult[];
}> {
  const runner = new NodeProcessRunner();
  const dir = await mkdtemp(join(tmpdir(), "orchestrator-bench-gate-"));
  const root = join(dir, "repo");
  try {
    await writeGateBench(root, NODE_MODULES, options.shape);
    await must(runner, root, "git", ["init", "--quiet", "-b", "main"]);
    await must(runner, root, "git", ["add", "--all"]);
    await must(runner, root, "git", [...GIT_IDENTITY, "commit", "--quiet", "-m", "base"]);
    const base = await must(runner, root, "git", ["rev-parse", "HEAD"]);

    const source = join(root, "src", `${moduleName(options.module)}.ts`);
    const original = await readFile(source, "utf8");
    // The first run computes and caches the baseline; it is reported on its own.
    await writeFile(source, `${original}\n/** Unused here. */\nexport const TAG = "bench";\n`);
    const warm = await gateOnce(runner, root, "MEDIUM", base);
    if (!warm.passed) throw new Error("the green change failed the gate");

    const green = await measure(runner, root, base, "green (tests pass)", options.runs);
    await writeFile(source, original.replace("return value + SEED;", "return value - SEED;"));
    const red = await measure(runner, root, base, "red (its tests break)", options.runs);
    await writeFile(source, original);
    return {
      tests: options.shape.modules * options.shape.testsPerModule,
      baselineMs: warm.wallMs,
      results: [green, red],
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The middle value (the upper one of an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** The verdict of a level's runs; `mixed` when they disagree (flaky tests). */
function verdictOf(samples: readonly GateSample[]): string {
  const verdicts = new Set(
    samples.map((s) => {
      const regressed = s.regressions.length > 0 ? ` (${s.regressions.length} regressed)` : "";
      return `${s.passed ? "pass" : "fail"}${regressed}`;
    }),
  );
  return verdicts.size === 1 ? ([...verdicts][0] ?? "") : `mixed: ${[...verdicts].join(" / ")}`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

/** One line of the table: a level's medians for one change. */
function row(change: string, level: string, samples: readonly GateSample[], speedUp: string) {
  const first = samples[0];
  const ran = first ? `${first.testsRun} (${first.mode})` : "";
  const wall = seconds(median(samples.map((s) => s.wallMs)));
  const check = seconds(median(samples.map((s) => s.testsMs)));
  return `${change.padEnd(22)} ${level.padEnd(7)} ${ran.padEnd(14)} ${verdictOf(samples).padEnd(19)} ${wall.padStart(9)} ${check.padStart(12)}   ${speedUp}`;
}

/** The table of figures, one line per change and level, and whether the verdicts agree. */
export function formatReport(
  tests: number,
  baselineMs: number,
  runs: number,
  results: readonly ChangeResult[],
): string {
  const lines = [
    `gate bench: ${tests} vitest tests, a one-file change, median of ${runs} runs per level`,
    `(the first gate run on the base, which records the baseline: ${seconds(baselineMs)})`,
    "",
    `${"change".padEnd(22)} ${"level".padEnd(7)} ${"tests run".padEnd(14)} ${"verdict".padEnd(19)} ${"gate wall".padStart(9)} ${"tests check".padStart(12)}   SMALL speed-up`,
  ];
  let agree = true;
  for (const r of results) {
    // Same verdict: every run of both levels passed or failed alike, with the same regressions.
    const outcomes = new Set(
      [...r.small, ...r.full].map((s) => `${s.passed} ${s.regressions.join(",")}`),
    );
    if (outcomes.size !== 1) agree = false;
    const check = (samples: readonly GateSample[]) => median(samples.map((s) => s.testsMs));
    const wall = (samples: readonly GateSample[]) => median(samples.map((s) => s.wallMs));
    const speedUp =
      `${(check(r.full) / check(r.small)).toFixed(1)}x tests check, ` +
      `${(wall(r.full) / wall(r.small)).toFixed(1)}x wall`;
    lines.push(row(r.change, "SMALL", r.small, speedUp));
    lines.push(row(r.change, "MEDIUM", r.full, ""));
  }
  lines.push(
    "",
    agree
      ? "verdicts: SMALL and MEDIUM agree on every change"
      : "verdicts: SMALL and MEDIUM DISAGREE",
  );
  return lines.join("\n");
}

function numberOption(argv: readonly string[], name: string, fallback: number): number {
  const raw = argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`--${name} expects a positive integer`);
  return value;
}

/** Runs the benchmark and prints its figures; `--json` prints the samples instead. */
export async function main(argv: readonly string[]): Promise<void> {
  const runs = numberOption(argv, "runs", 3);
  const shape: GateBenchShape = {
    modules: numberOption(argv, "modules", DEFAULT_SHAPE.modules),
    testsPerModule: numberOption(argv, "tests-per-module", DEFAULT_SHAPE.testsPerModule),
  };
  const module = Math.min(7, shape.modules - 1);
  const { tests, baselineMs, results } = await runGateBench({ runs, shape, module });
  if (argv.includes("--json")) {
    console.log(JSON.stringify({ tests, runs, baselineMs, results }, null, 2));
    return;
  }
  console.log(formatReport(tests, baselineMs, runs, results));
}
