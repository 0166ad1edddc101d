/**
 * bench/overhead: what a step costs the user in the orchestrator's own time, measured from
 * outside. Runs the real CLI (`orchestrator run --task`, from dist/) on a 10-step task with
 * zero-latency scripted models and one trivial gate check, reads the event log
 * (`orchestrator export`), and computes
 *   own time per step = (wall time − model time − check-command time) / steps
 * with start-up, git, worktrees, gate bookkeeping and store writes all counted. In the same run it
 * times a plain-git floor: a shell loop doing the same worktree, add and commit operations. One
 * more run, untimed, puts a logging `git` first on PATH to count git processes per step.
 *
 *   npm run bench:overhead            # builds, then 5 runs
 *   node bench/overhead.mjs --runs=9 --steps=10 --json
 *   node bench/overhead.mjs --cpu-prof-dir=prof   # also writes a CPU profile of each CLI run
 */
import { execFile, spawn } from "node:child_process";
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join, resolve as resolvePath } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { z } from "zod";
import { happyScript } from "../test/support/script-builder.js";

const CLI = fileURLToPath(new URL("../bin/orchestrator.js", import.meta.url));
const TARGET_MS = 50;
const TARGET_RATIO = 3;
const run = promisify(execFile);

type Env = Record<string, string | undefined>;

function option(argv: readonly string[], name: string, fallback: number): number {
  const hit = argv.find((a) => a.startsWith(`--${name}=`));
  const value = hit === undefined ? fallback : Number(hit.slice(name.length + 3));
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`bench/overhead: --${name} must be a positive integer, got ${String(hit)}`);
  }
  return value;
}

/** A git environment with no user or system configuration. */
function gitEnv(dir: string): Env {
  return {
    ...process.env,
    GIT_CONFIG_GLOBAL: join(dir, "gitconfig"),
    GIT_CONFIG_NOSYSTEM: "1",
    NO_COLOR: "1",
  };
}

async function git(cwd: string, env: Env, ...args: string[]): Promise<string> {
  const { stdout } = await run("git", args, { cwd, env });
  return stdout.trim();
}

/** A repository with one commit on `main` and an identity. */
async function createRepo(dir: string, env: Env): Promise<string> {
  const root = join(dir, "repo");
  await mkdir(root, { recursive: true });
  await writeFile(join(dir, "gitconfig"), "");
  await git(root, env, "init", "--quiet", "-b", "main");
  await git(root, env, "config", "user.name", "Bench");
  await git(root, env, "config", "user.email", "bench@example.com");
  await writeFile(join(root, "README.md"), "# bench\n");
  await git(root, env, "add", "--all");
  await git(root, env, "commit", "--quiet", "-m", "initial");
  return root;
}

const stepFile = (i: number): string => `src/module-${i}.js`;
const stepContent = (i: number): string => `export const value${i} = ${i};\n`;

/** `.orchestrator/` for one task: two scripted model families, one trivial gate check. */
async function writeProject(root: string, env: Env, taskId: string, steps: number): Promise<void> {
  const dir = join(root, ".orchestrator");
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, ".gitignore"), "state.db*\nworktrees/\nruns/\n");
  const plan = Array.from({ length: steps }, (_, i) => ({
    id: `S${i + 1}`,
    description: `Add module ${i + 1}`,
    files: { [stepFile(i + 1)]: stepContent(i + 1) },
  }));
  await writeFile(join(dir, "script.yaml"), JSON.stringify(happyScript(taskId, plan)));
  const task = { id: taskId, goal: `Add ${steps} modules`, risk: "low", area: "core" };
  await writeFile(join(dir, "tasks.yaml"), JSON.stringify({ tasks: [task] }));
  const model = (name: string, family: string): Record<string, unknown> => ({
    provider: "scripted",
    model: name,
    family,
    tier: "medium",
    price: { input: 3, output: 15 },
    script: "script.yaml",
  });
  const models = { author: model("author", "family-a"), reviewer: model("reviewer", "family-b") };
  const rules = [
    { role: ["planner", "implementer"], use: "author", reason: "bench" },
    { role: ["plan_reviewer", "code_reviewer"], use: ["reviewer", "author"], reason: "bench" },
  ];
  await writeFile(
    join(dir, "model_config.yaml"),
    JSON.stringify({ models, routing: { implementer_mode: "agent", rules } }),
  );
  const levels = Object.fromEntries(
    ["TRIVIAL", "SMALL", "MEDIUM", "LARGE"].map((l) => [l, ["check"]]),
  );
  await writeFile(
    join(dir, "quality_rules.yaml"),
    JSON.stringify({ checks: { check: { command: ["true"] } }, levels }),
  );
  await git(root, env, "add", "--all");
  await git(root, env, "commit", "--quiet", "-m", "orchestrator config");
}

/** Where `--cpu-prof-dir=DIR` asks for a CPU profile of every timed CLI run (absolute). */
let profileDir: string | undefined;

/** Runs `orchestrator run --task` and resolves with its wall time. */
function runTask(root: string, env: Env, taskId: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const profile = profileDir === undefined ? [] : ["--cpu-prof", `--cpu-prof-dir=${profileDir}`];
    const child = spawn(process.execPath, [...profile, CLI, "run", "--task", taskId, "--json"], {
      cwd: root,
      env,
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      const wallMs = performance.now() - started;
      if (code === 0) resolve(wallMs);
      else reject(new Error(`orchestrator run exited ${String(code)}\n${stderr}`));
    });
  });
}

const ExportSchema = z.object({
  events: z.array(
    z.looseObject({
      type: z.string(),
      durationMs: z.number().optional(),
      skipped: z.boolean().optional(),
      checks: z.array(z.looseObject({ durationMs: z.number() })).optional(),
    }),
  ),
});

interface LogTimes {
  readonly modelMs: number;
  readonly checkMs: number;
  readonly calls: number;
  readonly commits: number;
}

/** Model and check-command time from the task's event log. */
async function logTimes(root: string, env: Env, taskId: string): Promise<LogTimes> {
  const { stdout } = await run(process.execPath, [CLI, "export", taskId], {
    cwd: root,
    env,
    maxBuffer: 256 * 1024 * 1024,
  });
  let modelMs = 0;
  let checkMs = 0;
  let calls = 0;
  let commits = 0;
  for (const event of ExportSchema.parse(JSON.parse(stdout)).events) {
    if (event.type === "model.call") {
      modelMs += event.durationMs ?? 0;
      calls += 1;
    }
    if (event.type === "gate.finished") for (const c of event.checks ?? []) checkMs += c.durationMs;
    if (event.type === "gate.baseline") checkMs += event.durationMs ?? 0;
    if (event.type === "step.committed" && event.skipped !== true) commits += 1;
  }
  return { modelMs, checkMs, calls, commits };
}

interface Sample extends LogTimes {
  readonly wallMs: number;
  /** Command lines of the git processes (profile run only). */
  readonly gitCalls: readonly string[];
}

/** One CLI run in a fresh repository; with `shimDir`, git processes are logged. */
async function orchestratorSample(steps: number, index: number, shimDir?: string): Promise<Sample> {
  const dir = await mkdtemp(join(tmpdir(), "orchestrator-overhead-"));
  try {
    const env = gitEnv(dir);
    const log = join(dir, "git-calls.log");
    if (shimDir !== undefined) {
      env.PATH = `${shimDir}${delimiter}${env.PATH ?? ""}`;
      env.GIT_SHIM_LOG = log;
    }
    const root = await createRepo(dir, env);
    const taskId = `BENCH-${index}`;
    await writeProject(root, env, taskId, steps);
    await writeFile(log, "");
    const wallMs = await runTask(root, env, taskId);
    const gitCalls = (await readFile(log, "utf8")).split("\n").filter((l) => l !== "");
    const times = await logTimes(root, env, taskId);
    if (times.commits !== steps) throw new Error(`expected ${steps} commits, got ${times.commits}`);
    return { wallMs, ...times, gitCalls };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The same worktree, add and commit operations as plain git, in one shell loop. */
async function floorSample(steps: number): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), "orchestrator-floor-"));
  try {
    const env = gitEnv(dir);
    const root = await createRepo(dir, env);
    const loop = [
      "set -e",
      'git worktree add --quiet -b orchestrator/FLOOR "$WT" HEAD',
      'cd "$WT"',
      `i=1; while [ $i -le ${steps} ]; do`,
      "  mkdir -p src",
      '  printf "export const value%s = %s;\\n" $i $i > src/module-$i.js',
      "  git add --all",
      '  git commit --quiet -m "step $i"',
      "  i=$((i+1))",
      "done",
    ].join("\n");
    const started = performance.now();
    await run("sh", ["-c", loop], { cwd: root, env: { ...env, WT: join(dir, "wt") } });
    return performance.now() - started;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A `git` that logs its arguments and runs the real git. */
async function writeGitShim(dir: string): Promise<void> {
  const realGit = (await run("sh", ["-c", "command -v git"])).stdout.trim();
  const shim = join(dir, "git");
  const script = `#!/bin/sh\nprintf '%s\\n' "$*" >> "$GIT_SHIM_LOG"\nexec ${realGit} "$@"\n`;
  await writeFile(shim, script);
  await chmod(shim, 0o755);
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
};

/** The git subcommand of a logged command line (skipping `-c key=value` and `-C dir`). */
function subcommand(line: string): string {
  const words = line.split(" ");
  for (let i = 0; i < words.length; i++) {
    const word = words[i] ?? "";
    if (word === "-c" || word === "-C") i += 1;
    else if (!word.startsWith("-")) return word;
  }
  return "?";
}

/** Runs the benchmark, prints its figures and verdict; exit code 1 when a target is missed. */
export async function main(argv: readonly string[]): Promise<void> {
  const runs = option(argv, "runs", 5);
  const steps = option(argv, "steps", 10);
  const prof = argv.find((a) => a.startsWith("--cpu-prof-dir="));
  if (prof !== undefined) profileDir = resolvePath(prof.slice("--cpu-prof-dir=".length));
  await orchestratorSample(steps, 0); // warm-up: file cache, first SQLite open
  const samples: Sample[] = [];
  const floors: number[] = [];
  for (let i = 1; i <= runs; i++) {
    samples.push(await orchestratorSample(steps, i));
    floors.push(await floorSample(steps));
  }
  const shimDir = await mkdtemp(join(tmpdir(), "orchestrator-git-shim-"));
  let profile: Sample;
  try {
    await writeGitShim(shimDir);
    profile = await orchestratorSample(steps, runs + 1, shimDir);
  } finally {
    await rm(shimDir, { recursive: true, force: true });
  }
  const own = samples.map((s) => (s.wallMs - s.modelMs - s.checkMs) / steps);
  const ownMs = median(own);
  const floorMs = median(floors) / steps;
  const ratio = ownMs / floorMs;
  const byCommand: Record<string, number> = {};
  for (const line of profile.gitCalls) {
    const sub = subcommand(line);
    byCommand[sub] = (byCommand[sub] ?? 0) + 1;
  }
  const pass = ownMs < TARGET_MS && ratio <= TARGET_RATIO;
  const figures = {
    steps,
    runs,
    wallMs: median(samples.map((s) => s.wallMs)),
    modelMs: median(samples.map((s) => s.modelMs)),
    checkMs: median(samples.map((s) => s.checkMs)),
    modelCalls: median(samples.map((s) => s.calls)),
    ownMsPerStep: ownMs,
    ownMsPerStepMax: Math.max(...own),
    floorMsPerStep: floorMs,
    ratio,
    gitProcessesPerStep: profile.gitCalls.length / steps,
    gitProcesses: byCommand,
    verdict: pass ? "PASS" : "FAIL",
  };
  if (argv.includes("--json")) {
    console.log(JSON.stringify(figures, null, 2));
  } else {
    const f = (x: number): string => x.toFixed(1);
    const top = Object.entries(byCommand)
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k} ${v}`)
      .join(", ");
    console.log(`orchestrator run --task: ${steps} steps, ${runs} runs (median)`);
    console.log(`  wall time per task:        ${f(figures.wallMs)} ms`);
    console.log(
      `  model time (${figures.modelCalls} calls):    ${f(figures.modelMs)} ms; check commands ${f(figures.checkMs)} ms`,
    );
    console.log(
      `  own time per step:         ${f(ownMs)} ms (max ${f(figures.ownMsPerStepMax)} ms; target < ${TARGET_MS} ms)`,
    );
    console.log(`  plain-git floor per step:  ${f(floorMs)} ms (worktree add, add, commit)`);
    console.log(`  ratio to the floor:        ${ratio.toFixed(2)}x (target <= ${TARGET_RATIO}x)`);
    console.log(
      `  git processes per step:    ${f(figures.gitProcessesPerStep)} (${profile.gitCalls.length} in all: ${top})`,
    );
    console.log(`verdict: ${figures.verdict}`);
  }
  if (!pass) process.exitCode = 1;
}
