/**
 * Makespan of `run --batch` at several `--jobs`, against the ideal: N tasks of 2 steps, scripted
 * models answering after a fixed latency, a real (small) gate check, the real CLI and git.
 *
 *   node bench/parallel.mjs [--tasks=20] [--latency=2000] [--jobs=4,8] [--sample=4]
 *                           [--dag-jobs=8] [--json]
 *
 * Work per task is measured at --jobs 1 on `--sample` tasks (first to last event of each task
 * in the event log; every task is alike). The ideal makespan at J jobs is the larger of
 * N x work / J and the critical path (the deepest dependency chain x work). Beside it the bench
 * prints the machine's CPU floor: the run's CPU time (orchestrator, git, gate checks) divided
 * by the cores, under which no scheduler can finish.
 */
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { writeScriptedBacklog } from "../test/support/scripted-backlog.js";
import type { BacklogTask } from "../test/support/scripted-backlog.js";
import { createTempRepo } from "../test/workspace/temp-repo.js";
import { benchBacklog, graphDepth } from "./parallel-backlog.js";
import type { BacklogShape } from "./parallel-backlog.js";

const CLI = fileURLToPath(new URL("../bin/orchestrator.js", import.meta.url));
const TARGET = 1.15;
const CORES = availableParallelism();

let argv: readonly string[] = [];

function flag(name: string, fallback: string): string {
  const hit = argv.find((a) => a.startsWith(`--${name}=`));
  return hit === undefined ? fallback : hit.slice(name.length + 3);
}

interface Sample {
  readonly shape: BacklogShape;
  readonly tasks: number;
  readonly jobs: number;
  readonly makespanS: number;
  readonly cpuS: number;
  readonly peakRssMb: number;
  /** Each task's first-to-last event span. */
  readonly durations: readonly number[];
}

const EventLine = z.object({ task: z.string(), type: z.string(), at: z.string() });

/** Runs `run --batch --jobs J` under /usr/bin/time in a fresh repository. */
async function runOnce(
  tasks: BacklogTask[],
  shape: BacklogShape,
  jobs: number,
  latency: number,
): Promise<Sample> {
  const repo = await createTempRepo();
  const timeDir = await mkdtemp(join(tmpdir(), "bench-par-"));
  try {
    await writeScriptedBacklog(repo.root, {
      tasks,
      delayMs: latency,
      checks: {
        test: { command: ["node", "-e", "require('node:fs').readdirSync('.')"], kind: "tests" },
      },
    });
    await repo.commitAll("orchestrator config");
    const timeFile = join(timeDir, "time");
    const args = ["run", "--batch", "--jobs", String(jobs), "--json"];
    const started = performance.now();
    const stdout = await new Promise<string>((resolve, reject) => {
      const child = spawn(
        "/usr/bin/time",
        ["-o", timeFile, "-f", "%U %S %M", process.execPath, CLI, ...args],
        {
          cwd: repo.root,
          env: { ...process.env, ...repo.env, NO_COLOR: "1" },
          stdio: ["ignore", "pipe", "inherit"],
        },
      );
      let out = "";
      child.stdout.on("data", (d: Buffer) => (out += d.toString()));
      child.on("error", reject);
      child.on("close", (code) => {
        if (code === 0) resolve(out);
        else reject(new Error(`run --batch --jobs ${jobs} exited ${String(code)}`));
      });
    });
    const makespanS = (performance.now() - started) / 1000;
    const last = (await readFile(timeFile, "utf8")).trim().split("\n").at(-1) ?? "";
    const [user = 0, sys = 0, rssKb = 0] = last.split(" ").map(Number);
    const spans = new Map<string, { first: number; last: number }>();
    for (const line of stdout.split("\n")) {
      if (!line.startsWith("{")) continue;
      const e = EventLine.parse(JSON.parse(line));
      if (e.type === "task.registered") continue;
      const at = Date.parse(e.at);
      const span = spans.get(e.task) ?? { first: at, last: at };
      span.first = Math.min(span.first, at);
      span.last = Math.max(span.last, at);
      spans.set(e.task, span);
    }
    return {
      shape,
      tasks: tasks.length,
      jobs,
      makespanS,
      cpuS: user + sys,
      peakRssMb: rssKb / 1024,
      durations: [...spans.values()].map((s) => (s.last - s.first) / 1000),
    };
  } finally {
    await rm(timeDir, { recursive: true, force: true });
    await repo.cleanup();
  }
}

interface Row extends Sample {
  readonly idealS: number;
  readonly cpuFloorS: number;
  readonly ratio: number;
  /** Which bound is the larger: the work, the critical path, or the machine's CPU. */
  readonly bound: "work" | "critical path" | "CPU";
}

function rowOf(s: Sample, workPerTask: number, depth: number): Row {
  const byWork = (s.tasks * workPerTask) / s.jobs;
  const critical = depth * workPerTask;
  const idealS = Math.max(byWork, critical);
  const cpuFloorS = s.cpuS / CORES;
  const bound = cpuFloorS > idealS ? "CPU" : critical > byWork ? "critical path" : "work";
  return { ...s, idealS, cpuFloorS, ratio: s.makespanS / idealS, bound };
}

function table(rows: readonly Row[]): string {
  const head =
    "| backlog | tasks | jobs | makespan | ideal | CPU floor | ratio | bound | CPU | peak RSS |\n" +
    "|---|---:|---:|---:|---:|---:|---:|---|---:|---:|\n";
  const s = (n: number): string => `${n.toFixed(1)} s`;
  return (
    head +
    rows
      .map(
        (r) =>
          `| ${r.shape} | ${r.tasks} | ${r.jobs} | ${s(r.makespanS)} | ${s(r.idealS)} | ` +
          `${s(r.cpuFloorS)} | ${r.ratio.toFixed(2)}x | ${r.bound} | ${s(r.cpuS)} | ` +
          `${r.peakRssMb.toFixed(0)} MB |`,
      )
      .join("\n")
  );
}

/** Runs the benchmark (called by bench/parallel.mjs with the command-line arguments). */
export async function main(args: readonly string[]): Promise<void> {
  argv = args;
  const tasksN = Number(flag("tasks", "20"));
  const latency = Number(flag("latency", "2000"));
  const sampleN = Math.min(tasksN, Number(flag("sample", "4")));
  const jobsList = flag("jobs", "4,8").split(",").filter(Boolean).map(Number);
  const dagJobs = flag("dag-jobs", "8").split(",").filter(Boolean).map(Number);
  const independent = benchBacklog(tasksN, "independent");
  const dag = benchBacklog(tasksN, "dag");
  const dagDepth = graphDepth(dag);

  const calibration = await runOnce(
    benchBacklog(sampleN, "independent"),
    "independent",
    1,
    latency,
  );
  const workPerTask =
    calibration.durations.reduce((a, b) => a + b, 0) / calibration.durations.length;
  const rows: Row[] = [rowOf(calibration, workPerTask, 1)];
  for (const jobs of jobsList)
    rows.push(rowOf(await runOnce(independent, "independent", jobs, latency), workPerTask, 1));
  for (const jobs of dagJobs)
    rows.push(rowOf(await runOnce(dag, "dag", jobs, latency), workPerTask, dagDepth));

  const targets = rows.filter(
    (r) => r.jobs === Math.max(...rows.filter((o) => o.shape === r.shape).map((o) => o.jobs)),
  );
  const pass = targets.every((r) => r.ratio <= TARGET);
  if (argv.includes("--json")) {
    process.stdout.write(
      `${JSON.stringify({ latency, cores: CORES, workPerTask, rows: rows.map(({ durations: _d, ...r }) => r) })}\n`,
    );
  } else {
    process.stdout.write(
      `bench/parallel: ${tasksN} tasks of 2 steps (6 model calls each), model latency ${latency} ms, ` +
        `real gate check, ${CORES} cores\n` +
        `work per task at --jobs 1: ${workPerTask.toFixed(1)} s (mean of ${sampleN}); ` +
        `dag: diamonds A->(B,C)->D and chains A->B->C, ${dagDepth} deep, ` +
        `critical path ${(dagDepth * workPerTask).toFixed(1)} s\n` +
        `ideal = max(tasks x work / jobs, critical path); CPU floor = CPU time / cores\n\n` +
        `${table(rows)}\n`,
    );
  }
  const verdicts = targets.map(
    (r) =>
      `${r.shape} at --jobs ${r.jobs} ${r.ratio.toFixed(2)}x the ideal (CPU floor ${(r.cpuFloorS / r.idealS).toFixed(2)}x)`,
  );
  process.stdout.write(
    `\nverdict: ${pass ? "PASS" : "FAIL"} — ${verdicts.join("; ")} (target <= ${TARGET}x)\n`,
  );
  process.exitCode = pass ? 0 : 1;
}
