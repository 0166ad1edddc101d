#!/usr/bin/env node
// bench/overhead: what a step costs the user in the orchestrator's own time, measured from
// outside. Runs the real CLI (`orchestrator run --task`) on a 10-step task with zero-latency
// scripted models and one trivial gate check, reads the event log, and computes
//   own time per step = (wall time − model time − check-command time) / steps
// with start-up, git, worktrees, gate bookkeeping and store writes all counted. In the same run
// it times a plain-git floor: a shell loop doing the same worktree, add and commit operations.
// A third, separate run puts a logging `git` shim first on PATH to count git processes per step
// (that run is not timed). Build first: `npm run build`.
//
//   node bench/overhead.mjs [--runs=5] [--steps=10] [--json]
import { execFile, spawn } from "node:child_process";
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { performance } from "node:perf_hooks";
import { URL, fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";

const CLI = fileURLToPath(new URL("../bin/orchestrator.js", import.meta.url));
const TARGET_MS = 50;
const TARGET_RATIO = 3;
const run = promisify(execFile);

function option(argv, name, fallback) {
  const hit = argv.find((a) => a.startsWith(`--${name}=`));
  const value = hit === undefined ? fallback : Number(hit.slice(name.length + 3));
  if (!Number.isInteger(value) || value < 1) {
    console.error(`bench/overhead: --${name} must be a positive integer, got ${hit}`);
    process.exit(2);
  }
  return value;
}

/** A git environment with no user or system configuration. */
export function gitEnv(dir) {
  return {
    ...process.env,
    GIT_CONFIG_GLOBAL: join(dir, "gitconfig"),
    GIT_CONFIG_NOSYSTEM: "1",
    NO_COLOR: "1",
  };
}

async function git(cwd, env, ...args) {
  const { stdout } = await run("git", args, { cwd, env });
  return stdout.trim();
}

/** A repository with one commit, on `main`, with an identity. */
export async function createRepo(dir, env) {
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

const stepFile = (i) => `src/module-${i}.js`;
const stepContent = (i) => `export const value${i} = ${i};\n`;

/** The scripted answers: a plan of `steps` steps, approving reviews, one file per step. */
function script(taskId, steps) {
  const ids = Array.from({ length: steps }, (_, i) => i + 1);
  const plan = {
    task_id: taskId,
    plan_version: 1,
    steps: ids.map((i) => ({
      id: `S${i}`,
      type: "implementation",
      description: `Add module ${i}`,
      risk: "low",
      estimated_complexity: "small",
    })),
    rollback_strategy: "delete the task branch",
  };
  const review = (scores) => JSON.stringify({ status: "approved", review: scores });
  return {
    answers: [
      { role: "planner", text: JSON.stringify(plan) },
      {
        role: "plan_reviewer",
        text: review({ completeness: 9, feasibility: 9, risk_assessment: 9 }),
      },
      {
        role: "code_reviewer",
        text: review({ correctness: 9, code_quality: 9, required_changes: [] }),
      },
      ...ids.map((i) => ({
        role: "implementer",
        step: `S${i}`,
        text: `Implemented S${i}.`,
        files: { [stepFile(i)]: stepContent(i) },
      })),
    ],
  };
}

/** `.orchestrator/` for one task, two scripted model families, one trivial gate check. */
export async function writeProject(root, env, taskId, steps) {
  const dir = join(root, ".orchestrator");
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, ".gitignore"), "state.db*\nworktrees/\nruns/\n");
  await writeFile(join(dir, "script.yaml"), JSON.stringify(script(taskId, steps)));
  await writeFile(
    join(dir, "tasks.yaml"),
    JSON.stringify({
      tasks: [{ id: taskId, goal: `Add ${steps} modules`, risk: "low", area: "core" }],
    }),
  );
  const model = (name, family) => ({
    provider: "scripted",
    model: name,
    family,
    tier: "medium",
    price: { input: 3, output: 15 },
    script: "script.yaml",
  });
  await writeFile(
    join(dir, "model_config.yaml"),
    JSON.stringify({
      models: { author: model("author", "family-a"), reviewer: model("reviewer", "family-b") },
      routing: {
        implementer_mode: "agent",
        rules: [
          { role: ["planner", "implementer"], use: "author", reason: "bench" },
          { role: ["plan_reviewer", "code_reviewer"], use: ["reviewer", "author"], reason: "x" },
        ],
      },
    }),
  );
  const levels = ["TRIVIAL", "SMALL", "MEDIUM", "LARGE"];
  await writeFile(
    join(dir, "quality_rules.yaml"),
    JSON.stringify({
      checks: { check: { command: ["true"] } },
      levels: Object.fromEntries(levels.map((l) => [l, ["check"]])),
    }),
  );
  await git(root, env, "add", "--all");
  await git(root, env, "commit", "--quiet", "-m", "orchestrator config");
}

/** Runs the CLI; resolves with its wall time and the JSON events it printed. */
function runTask(root, env, taskId) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [CLI, "run", "--task", taskId, "--json"], {
      cwd: root,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => {
      const wallMs = performance.now() - started;
      if (code !== 0) {
        reject(new Error(`orchestrator run exited ${code}\n${stderr}\n${stdout.slice(-2000)}`));
        return;
      }
      resolve({ wallMs, stdout });
    });
  });
}

/** Model and check-command time from the task's event log (`orchestrator export`). */
async function externalTime(root, env, taskId) {
  const { stdout } = await run(process.execPath, [CLI, "export", taskId], {
    cwd: root,
    env,
    maxBuffer: 256 * 1024 * 1024,
  });
  let modelMs = 0;
  let checkMs = 0;
  let calls = 0;
  let commits = 0;
  for (const body of JSON.parse(stdout).events) {
    if (body.type === "model.call") {
      modelMs += body.durationMs;
      calls += 1;
    }
    if (body.type === "gate.finished") for (const c of body.checks) checkMs += c.durationMs;
    if (body.type === "gate.baseline") checkMs += body.durationMs;
    if (body.type === "step.committed" && !body.skipped) commits += 1;
  }
  return { modelMs, checkMs, calls, commits };
}

/** One timed CLI run in a fresh repository. */
async function orchestratorSample(steps, index, shimDir) {
  const dir = await mkdtemp(join(tmpdir(), "orchestrator-overhead-"));
  try {
    const env = gitEnv(dir);
    if (shimDir !== undefined) {
      env.PATH = `${shimDir}${delimiter}${env.PATH}`;
      env.GIT_SHIM_LOG = join(dir, "git-calls.log");
    }
    const root = await createRepo(dir, env);
    const taskId = `BENCH-${index}`;
    await writeProject(root, env, taskId, steps);
    if (env.GIT_SHIM_LOG !== undefined) await writeFile(env.GIT_SHIM_LOG, "");
    const { wallMs } = await runTask(root, env, taskId);
    const gitCalls = env.GIT_SHIM_LOG === undefined ? [] : await readGitLog(env.GIT_SHIM_LOG);
    const ext = await externalTime(root, env, taskId);
    if (ext.commits !== steps) throw new Error(`expected ${steps} commits, got ${ext.commits}`);
    return { wallMs, ...ext, gitCalls };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function readGitLog(file) {
  const text = await readFile(file, "utf8");
  return text.split("\n").filter((l) => l !== "");
}

/** The same worktree, add and commit operations as plain git in one shell loop. */
async function floorSample(steps) {
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

/** A `git` first on PATH that logs its arguments, then runs the real git. */
async function writeGitShim(dir) {
  const { stdout } = await run("sh", ["-c", "command -v git"]);
  const realGit = stdout.trim();
  const shim = join(dir, "git");
  await writeFile(
    shim,
    `#!/bin/sh\nprintf '%s\\n' "$*" >> "$GIT_SHIM_LOG"\nexec ${realGit} "$@"\n`,
  );
  await chmod(shim, 0o755);
  return dir;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
};

/** Git subcommand (skipping `-c k=v` and `-C dir`) of a logged command line. */
function subcommand(line) {
  const words = line.split(" ");
  for (let i = 0; i < words.length; i++) {
    if (words[i] === "-c" || words[i] === "-C") i += 1;
    else if (!words[i].startsWith("-")) return words[i];
  }
  return "?";
}

async function main(argv) {
  const runs = option(argv, "runs", 5);
  const steps = option(argv, "steps", 10);
  const json = argv.includes("--json");

  await orchestratorSample(steps, 0); // warm-up: file cache, first SQLite open
  const samples = [];
  const floors = [];
  for (let i = 1; i <= runs; i++) {
    samples.push(await orchestratorSample(steps, i));
    floors.push(await floorSample(steps));
  }
  const shimDir = await mkdtemp(join(tmpdir(), "orchestrator-git-shim-"));
  let profile;
  try {
    profile = await orchestratorSample(steps, runs + 1, await writeGitShim(shimDir));
  } finally {
    await rm(shimDir, { recursive: true, force: true });
  }

  const own = samples.map((s) => (s.wallMs - s.modelMs - s.checkMs) / steps);
  const ownMs = median(own);
  const floorMs = median(floors) / steps;
  const ratio = ownMs / floorMs;
  const byCommand = {};
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
  if (json) {
    console.log(JSON.stringify(figures, null, 2));
  } else {
    const f = (x) => x.toFixed(1);
    console.log(`orchestrator run --task: ${steps} steps, ${runs} runs (median)`);
    console.log(`  wall time per task:           ${f(figures.wallMs)} ms`);
    console.log(
      `  model time (${figures.modelCalls} calls):       ${f(figures.modelMs)} ms   check commands: ${f(figures.checkMs)} ms`,
    );
    console.log(
      `  own time per step:            ${f(ownMs)} ms (max ${f(figures.ownMsPerStepMax)} ms; target < ${TARGET_MS} ms)`,
    );
    console.log(`  plain-git floor per step:     ${f(floorMs)} ms (worktree add, add, commit)`);
    console.log(
      `  ratio to the floor:           ${ratio.toFixed(2)}x (target <= ${TARGET_RATIO}x)`,
    );
    const top = Object.entries(byCommand)
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k} ${v}`)
      .join(", ");
    console.log(
      `  git processes per step:       ${f(figures.gitProcessesPerStep)} (${profile.gitCalls.length} in all: ${top})`,
    );
    console.log(`verdict: ${figures.verdict}`);
  }
  if (!pass) process.exitCode = 1;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href)
  await main(process.argv.slice(2));
