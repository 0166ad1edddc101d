import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, describe, expect, it } from "vitest";
import { MAX_OUTPUT_CHARS } from "../core/ports.js";
import type { ChildTracker, SpawnedChild } from "../core/ports.js";
import { NodeProcessRunner } from "./node-process-runner.js";
import { liveGroupMembers, processStartTime } from "./proc-stat.js";

const runner = new NodeProcessRunner();
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "orchestrator-runner-"));
  dirs.push(dir);
  return dir;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("NodeProcessRunner child tracking", () => {
  it("registers a tracked child before its program runs, and forgets it once its group is gone", async () => {
    const dir = await tempDir();
    const marker = join(dir, "ran");
    const log: string[] = [];
    let seen: SpawnedChild | undefined;
    const track: ChildTracker = {
      started: async (child) => {
        seen = child;
        // Held: however long registration takes, the program has not started.
        await sleep(300);
        log.push(`started ran=${String(existsSync(marker))}`);
      },
      ended: (child) => {
        log.push(`ended alive=${String(liveGroupMembers(child.pgid).length)}`);
        return Promise.resolve();
      },
    };
    const result = await runner.run(
      process.execPath,
      ["-e", `require("node:fs").writeFileSync(${JSON.stringify(marker)}, "x")`],
      { cwd: dir, track },
    );
    expect(result.exitCode).toBe(0);
    expect(existsSync(marker)).toBe(true);
    expect(log).toEqual(["started ran=false", "ended alive=0"]);
    expect(seen?.command).toBe(process.execPath);
    expect(seen?.pgid).toBe(seen?.pid);
    expect(seen?.startTime).toMatch(/^\d+$/);
  });

  it("passes the argument array unchanged through the hold (no shell parsing)", async () => {
    const args = ["a b", "$HOME", "'quoted'", "; echo no", ""];
    const result = await runner.run(
      process.execPath,
      ["-e", "console.log(JSON.stringify(process.argv.slice(1)))", ...args],
      {
        cwd: tmpdir(),
        track: { started: () => Promise.resolve(), ended: () => Promise.resolve() },
      },
    );
    expect(JSON.parse(result.stdout)).toEqual(args);
  });

  it("never runs the program when registration fails, and rejects", async () => {
    const dir = await tempDir();
    const marker = join(dir, "ran");
    const track: ChildTracker = {
      started: () => Promise.reject(new Error("store is gone")),
      ended: () => Promise.resolve(),
    };
    await expect(runner.run("sh", ["-c", `touch ${marker}`], { cwd: dir, track })).rejects.toThrow(
      "store is gone",
    );
    await sleep(200);
    expect(existsSync(marker)).toBe(false);
  });

  it("reports a missing binary of a tracked child as exit 127", async () => {
    const result = await runner.run("no-such-binary-xyz", [], {
      cwd: tmpdir(),
      track: { started: () => Promise.resolve(), ended: () => Promise.resolve() },
    });
    expect(result.exitCode).toBe(127);
    // As an untracked spawn reports it, so the CLI providers name the missing binary.
    expect(result.stderr).toBe("no-such-binary-xyz: spawn no-such-binary-xyz ENOENT\n");
  });

  it("leaves nothing of the child's group alive once the run returns", async () => {
    // The child starts a background job in its group and exits at once.
    const result = await runner.run("sh", ["-c", "sleep 30 & echo $!"], { cwd: tmpdir() });
    const grandchild = Number(result.stdout.trim());
    expect(grandchild).toBeGreaterThan(0);
    for (let i = 0; i < 100 && isAlive(grandchild); i++) await sleep(20);
    expect(isAlive(grandchild)).toBe(false);
  });
});

describe("NodeProcessRunner output cap", () => {
  it("says when a stream passed the cap, and keeps its tail", async () => {
    const size = MAX_OUTPUT_CHARS + 1000;
    const result = await runner.run(
      process.execPath,
      ["-e", `process.stdout.write("a".repeat(${String(size - 3)}) + "END")`],
      { cwd: tmpdir() },
    );
    expect(result.truncated).toEqual({ stdout: true, stderr: false });
    expect(result.stdout.length).toBe(MAX_OUTPUT_CHARS);
    expect(result.stdout.endsWith("END")).toBe(true);
    const small = await runner.run("echo", ["hi"], { cwd: tmpdir() });
    expect(small.truncated).toBeUndefined();
  });
});

describe("processStartTime", () => {
  it("reads a live process's start time and nothing for a dead one", async () => {
    const child = spawn("sleep", ["5"], { stdio: "ignore" });
    const pid = child.pid ?? 0;
    const start = processStartTime(pid);
    expect(start).toMatch(/^\d+$/);
    expect(processStartTime(pid)).toBe(start);
    child.kill("SIGKILL");
    await new Promise((r) => child.on("close", r));
    expect(processStartTime(pid)).toBe("");
  });
});
