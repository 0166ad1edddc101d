/**
 * Makespan of `run --batch` at several `--jobs`, against the ideal: N tasks of 2 steps, scripted
 * models answering after a fixed latency, a real (small) gate check, the real CLI and git.
 *
 *   node bench/parallel.mjs [--tasks=20] [--latency=300] [--jobs=1,4,8] [--dag] [--json]
 *
 * Work per task is measured at --jobs 1 (first to last event of the task in the event log); the
 * ideal makespan at J jobs is max(total work / J, the critical path of the dependency graph).
 */
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { writeScriptedBacklog } from "../test/support/scripted-backlog.js";
import type { BacklogTask } from "../test/support/scripted-backlog.js";
import { createTempRepo } from "../test/workspace/temp-repo.js";

const CLI = fileURLToPath(new URL("../bin/orchestrator.js", import.meta.url));
const TARGET = 1.15;

let argv: readonly string[] = [];

function flag(name: string, fallback: string): string {
  const hit = argv.find((a) => a.startsWith(`--${name}=`));
  return hit === undefined ? fallback : hit.slice(name.length + 3);
}

/** Independent tasks, or diamonds A -> (B, C) -> D of four. */
function backlog(tasksN: number, dag: boolean): BacklogTask[] {
  return Array.from({ length: tasksN }, (_, i) => {
    const id = `T${String(i + 1).padStart(2, "0")}`;
    const g = Math.floor(i / 4) * 4;
    const name = (k: number): string => `T${String(g + k + 1).padStart(2, "0")}`;
    const role = i - g;
    const dependsOn = !dag ? [] : role === 0 ? [] : role === 3 ? [name(1), name(2)] : [name(0)];
    return {
      id,
      ...(dependsOn.length > 0 ? { dependsOn } : {}),
      steps: ["S1", "S2"].map((s) => ({
        id: s,
        description: `${id} ${s}`,
        files: { [`out/${id}-${s}.txt`]: `${id} ${s}\n` },
      })),
    };
  });
}

interface Sample {
  jobs: number;
  makespanS: number;
  cpuS: number;
  peakRssMb: number;
  durations: Map<string, number>;
}

async function runOnce(tasks: BacklogTask[], jobs: number, latency: number): Promise<Sample> {
  const repo = await createTempRepo();
  try {
    await writeScriptedBacklog(repo.root, {
      tasks,
      delayMs: latency,
      checks: {
        test: { command: ["node", "-e", "require('node:fs').readdirSync('.')"], kind: "tests" },
      },
    });
    await repo.commitAll("orchestrator config");
    const timeFile = join(await mkdtemp(join(tmpdir(), "bench-par-")), "time");
    const started = performance.now();
    const stdout = await new Promise<string>((resolve, reject) => {
      const child = spawn(
        "/usr/bin/time",
        [
          "-o",
          timeFile,
          "-f",
          "%U %S %M",
          process.execPath,
          CLI,
          "run",
          "--batch",
          "--jobs",
          String(jobs),
          "--json",
        ],
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
        else reject(new Error(`run --batch exited ${String(code)}`));
      });
    });
    const makespanS = (performance.now() - started) / 1000;
    const [user, sys, rssKb] = (await readFile(timeFile, "utf8"))
      .trim()
      .split("\n")
      .at(-1)!
      .split(" ")
      .map(Number);
    await rm(join(timeFile, ".."), { recursive: true, force: true });
    const spans = new Map<string, { first: number; last: number }>();
    for (const line of stdout.split("\n")) {
      if (!line.startsWith("{")) continue;
      const e = JSON.parse(line) as { task: string; type: string; at: string };
      if (e.type === "task.registered") continue;
      const at = Date.parse(e.at);
      const span = spans.get(e.task) ?? { first: at, last: at };
      span.first = Math.min(span.first, at);
      span.last = Math.max(span.last, at);
      spans.set(e.task, span);
    }
    const durations = new Map([...spans].map(([id, s]) => [id, (s.last - s.first) / 1000]));
    return {
      jobs,
      makespanS,
      cpuS: (user ?? 0) + (sys ?? 0),
      peakRssMb: (rssKb ?? 0) / 1024,
      durations,
    };
  } finally {
    await repo.cleanup();
  }
}

/** The longest chain of task durations through the dependency graph. */
function criticalPath(tasks: BacklogTask[], d: Map<string, number>): number {
  const memo = new Map<string, number>();
  const finish = (t: BacklogTask): number => {
    const known = memo.get(t.id);
    if (known !== undefined) return known;
    const before = Math.max(
      0,
      ...(t.dependsOn ?? []).map((id) => finish(tasks.find((x) => x.id === id)!)),
    );
    const value = before + (d.get(t.id) ?? 0);
    memo.set(t.id, value);
    return value;
  };
  return Math.max(...tasks.map(finish));
}

/** Runs the benchmark (called by bench/parallel.mjs with the command-line arguments). */
export async function main(args: readonly string[]): Promise<void> {
  argv = args;
  const tasksN = Number(flag("tasks", "20"));
  const latency = Number(flag("latency", "300"));
  const jobsList = flag("jobs", "1,4,8").split(",").map(Number);
  const dag = argv.includes("--dag");
  const json = argv.includes("--json");
  const tasks = backlog(tasksN, dag);
  const samples: Sample[] = [];
  for (const jobs of [1, ...jobsList.filter((j) => j !== 1)])
    samples.push(await runOnce(tasks, jobs, latency));
  const base = samples[0]!;
  const work = [...base.durations.values()].reduce((a, b) => a + b, 0);
  const critical = criticalPath(tasks, base.durations);
  const rows = samples.map((s) => {
    const ideal = Math.max(work / s.jobs, critical);
    return { ...s, idealS: ideal, ratio: s.makespanS / ideal };
  });
  if (json) {
    process.stdout.write(`${JSON.stringify(rows.map(({ durations: _d, ...r }) => r))}\n`);
  } else {
    process.stdout.write(
      `bench/parallel: ${tasksN} ${dag ? "tasks in diamonds A->(B,C)->D" : "independent tasks"}, ` +
        `2 steps each, model latency ${latency} ms, real gate check\n` +
        `work at --jobs 1: ${work.toFixed(1)} s; critical path ${critical.toFixed(1)} s\n\n` +
        `| jobs | makespan | ideal | ratio | CPU | peak RSS |\n|---:|---:|---:|---:|---:|---:|\n`,
    );
    for (const r of rows) {
      process.stdout.write(
        `| ${r.jobs} | ${r.makespanS.toFixed(1)} s | ${r.idealS.toFixed(1)} s | ${r.ratio.toFixed(2)}x | ` +
          `${r.cpuS.toFixed(1)} s | ${r.peakRssMb.toFixed(0)} MB |\n`,
      );
    }
  }
  const top = rows.at(-1)!;
  process.stdout.write(
    `\nverdict: ${top.ratio <= TARGET ? "PASS" : "FAIL"} — makespan at --jobs ${top.jobs} is ` +
      `${top.ratio.toFixed(2)}x the ideal (target <= ${TARGET}x)\n`,
  );
  process.exitCode = top.ratio <= TARGET ? 0 : 1;
}
