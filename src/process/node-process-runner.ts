import { spawn, type ChildProcess, type ChildProcessByStdio } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join, resolve as resolvePath } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { Readable, Writable } from "node:stream";
import { MAX_OUTPUT_CHARS } from "../core/ports.js";
import type {
  ChildTracker,
  ProcessResult,
  ProcessRunner,
  RunOptions,
  SpawnedChild,
} from "../core/ports.js";
import { liveGroupMembers, processStartTime } from "./proc-stat.js";

/** Time between SIGTERM and SIGKILL when a child outlives its timeout. */
const KILL_GRACE_MS = 2_000;
/** How long a tracked child's group may take to die after SIGKILL before it is forgotten anyway. */
const GROUP_EXIT_WAIT_MS = 5_000;

/**
 * A tracked child starts as this shell, which waits for a line on fd 3 and then execs the
 * program with its argument array ("$@": never a string built from input). The pid, process
 * group and start time stay the same across the exec, so the child is registered before the
 * program runs; if the orchestrator dies first, the read fails and the program never starts.
 */
export const HOLD_SCRIPT = 'IFS= read -r _ <&3 || exit 125; exec "$@" 3<&-';

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Kills the child's whole process group (coding-agent CLIs start children of their own). */
export function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // Already gone.
    }
  }
}

/**
 * Kills the child's group when this process exits, until the returned function is called (a
 * long-lived child, such as a CLI session, registers itself here as a one-off run does).
 */
export function killOnExit(child: ChildProcess): () => void {
  installExitHook();
  live.add(child);
  return () => {
    live.delete(child);
  };
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const child of live) killGroup(child, "SIGKILL");
  });
}

/** Output kept per stream: the tail, since errors are usually printed last. */
class CappedText {
  text = "";
  truncated = false;
  append(chunk: string): void {
    const next = this.text + chunk;
    if (next.length > MAX_OUTPUT_CHARS) {
      this.truncated = true;
      this.text = next.slice(next.length - MAX_OUTPUT_CHARS);
    } else this.text = next;
  }
}

/**
 * Why `command` cannot be executed, as spawn would say it (`spawn X ENOENT`), or undefined when
 * it can. A held child is started through /bin/sh, whose own "not found" would hide that.
 */
export function spawnProblem(command: string, path: string, cwd: string): string | undefined {
  const candidates = command.includes("/")
    ? [resolvePath(cwd, command)]
    : path
        .split(delimiter)
        .filter((dir) => dir !== "")
        .map((dir) => join(dir, command));
  let code = "ENOENT";
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return undefined;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EACCES") code = "EACCES";
    }
  }
  return `spawn ${command} ${code}`;
}

/** Waits (bounded) until no live process is left in the group. */
export async function waitForGroupExit(pgid: number): Promise<void> {
  const deadline = performance.now() + GROUP_EXIT_WAIT_MS;
  while (liveGroupMembers(pgid).length > 0 && performance.now() < deadline) await sleep(20);
}

/** Releases a held child once it is registered; kills it when registration fails. */
/**
 * Starts `command` as the leader of its own process group. A tracked child is held by a shell
 * until {@link release} lets it exec (its group is recorded first); fd 3 is the hold pipe.
 */
export function spawnInGroup(
  command: string,
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  held: boolean,
): ChildProcessByStdio<Writable, Readable, Readable> {
  return held
    ? spawn("/bin/sh", ["-c", HOLD_SCRIPT, "orchestrator-child", command, ...args], {
        cwd,
        env,
        stdio: ["pipe", "pipe", "pipe", "pipe"],
        detached: true,
      })
    : spawn(command, [...args], { cwd, env, stdio: ["pipe", "pipe", "pipe"], detached: true });
}

export async function release(
  child: ChildProcess,
  track: ChildTracker,
  command: string,
): Promise<SpawnedChild | undefined> {
  const pid = child.pid;
  if (pid === undefined) return undefined;
  const spawned: SpawnedChild = { pid, pgid: pid, startTime: processStartTime(pid), command };
  const gate = child.stdio[3] as Writable | null | undefined;
  try {
    await track.started(spawned);
  } catch (error) {
    killGroup(child, "SIGKILL");
    throw error;
  }
  gate?.on("error", () => undefined);
  gate?.end("go\n");
  return spawned;
}

/**
 * The one subprocess runner: argument arrays only, a timeout that sends SIGTERM then SIGKILL
 * to the whole process group, abort support, and children killed when this process exits.
 */
export class NodeProcessRunner implements ProcessRunner {
  run(command: string, args: readonly string[], options: RunOptions): Promise<ProcessResult> {
    installExitHook();
    const started = performance.now();
    const env = options.replaceEnv
      ? { ...options.env }
      : { ...process.env, ...(options.env ?? {}) };
    const track = options.track;
    const problem = track ? spawnProblem(command, env.PATH ?? "", options.cwd) : undefined;
    if (problem !== undefined) {
      // Reported as exit code 127 (ENOENT), as an untracked spawn's error would be.
      return Promise.resolve({
        exitCode: 127,
        signal: null,
        timedOut: false,
        durationMs: performance.now() - started,
        stdout: "",
        stderr: `${command}: ${problem}\n`,
      });
    }
    return new Promise((resolve, reject) => {
      const stdout = new CappedText();
      const stderr = new CappedText();
      let timedOut = false;
      let settled = false;
      let killTimer: NodeJS.Timeout | undefined;
      let tracked: Promise<SpawnedChild | undefined> = Promise.resolve(undefined);
      const child = spawnInGroup(command, args, options.cwd, env, track !== undefined);
      live.add(child);
      if (track) {
        tracked = release(child, track, command);
        tracked.catch(() => undefined);
      }

      const terminate = (): void => {
        killGroup(child, "SIGTERM");
        killTimer = setTimeout(() => {
          killGroup(child, "SIGKILL");
        }, KILL_GRACE_MS);
        killTimer.unref();
      };
      const timer =
        options.timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              timedOut = true;
              terminate();
            }, options.timeoutMs);
      const onAbort = (): void => {
        terminate();
      };
      options.signal?.addEventListener("abort", onAbort, { once: true });

      child.stdout.setEncoding("utf8");
      child.stderr.setEncoding("utf8");
      child.stdout.on("data", (chunk: string) => {
        stdout.append(chunk);
      });
      child.stderr.on("data", (chunk: string) => {
        stderr.append(chunk);
      });
      // A child that exits without reading its input must not crash us with EPIPE.
      child.stdin.on("error", () => undefined);
      if (options.input !== undefined) child.stdin.end(options.input);
      else child.stdin.end();

      const finish = (exitCode: number | null, signal: NodeJS.Signals | null, extra = ""): void => {
        if (settled) return;
        settled = true;
        live.delete(child);
        if (timer) clearTimeout(timer);
        if (killTimer) clearTimeout(killTimer);
        killGroup(child, "SIGKILL");
        options.signal?.removeEventListener("abort", onAbort);
        const result: ProcessResult = {
          exitCode,
          signal,
          timedOut,
          durationMs: performance.now() - started,
          stdout: stdout.text,
          stderr: stderr.text + extra,
          ...(stdout.truncated || stderr.truncated
            ? { truncated: { stdout: stdout.truncated, stderr: stderr.truncated } }
            : {}),
        };
        if (!track) {
          resolve(result);
          return;
        }
        void tracked.then(
          async (spawned) => {
            if (spawned) {
              await waitForGroupExit(spawned.pgid);
              await track.ended(spawned);
            }
            resolve(result);
          },
          (error: unknown) => {
            reject(error instanceof Error ? error : new Error(String(error)));
          },
        );
      };
      child.on("error", (error: NodeJS.ErrnoException) => {
        // ENOENT: the binary is missing. Reported as exit code 127, as a shell would.
        finish(error.code === "ENOENT" ? 127 : null, null, `${command}: ${error.message}\n`);
      });
      // The leader exited: nothing it started may outlive it (a tool's background job would
      // keep writing into the worktree after the attempt, and hold our pipes open).
      child.on("exit", () => {
        killGroup(child, "SIGKILL");
      });
      child.on("close", (code, signal) => {
        finish(code, signal);
      });
    });
  }
}
