import type {
  LiveExit,
  LiveProcess,
  LiveProcessLauncher,
  LiveProcessOptions,
} from "../core/live-process.js";
import type { SpawnedChild } from "../core/ports.js";
import { LineSplitter } from "./line-splitter.js";
import {
  spawnInGroup,
  killGroup,
  killOnExit,
  release,
  spawnProblem,
  waitForGroupExit,
} from "./node-process-runner.js";

/** Time between SIGTERM and SIGKILL when a session is stopped. */
const STOP_GRACE_MS = 2_000;
/** Characters of stderr kept (the tail). */
const STDERR_KEEP = 64 * 1024;

/**
 * Starts long-lived children the way {@link NodeProcessRunner} starts one-off ones: argument
 * arrays, each child leading its own process group, registered with the tracker before its
 * program runs (held by a shell until then), the whole group killed when it ends or when this
 * process exits.
 */
export class NodeLiveProcessLauncher implements LiveProcessLauncher {
  start(command: string, args: readonly string[], options: LiveProcessOptions): LiveProcess {
    const env = { ...process.env, ...(options.env ?? {}) };
    const problem = spawnProblem(command, env.PATH ?? "", options.cwd);
    if (problem !== undefined)
      return exitedProcess({ exitCode: 127, signal: null, stderr: `${command}: ${problem}\n` });
    const track = options.track;
    const child = spawnInGroup(command, args, options.cwd, env, track !== undefined);
    const forget = killOnExit(child);
    const tracked: Promise<SpawnedChild | undefined> = track
      ? release(child, track, command)
      : Promise.resolve(undefined);
    let stderr = "";
    let stdoutChars = 0;
    let done = false;
    const listeners: ((line: string) => void)[] = [];
    const splitter = new LineSplitter();
    const emit = (lines: string[]): void => {
      for (const line of lines) for (const listener of listeners) listener(line);
    };
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      stdoutChars += chunk.length;
      emit(splitter.push(chunk));
    });
    child.stderr.on("data", (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_KEEP);
    });
    child.stdin.on("error", () => undefined);
    // The leader exited: nothing it started may outlive it.
    child.on("exit", () => {
      killGroup(child, "SIGKILL");
    });
    const exited = new Promise<LiveExit>((resolve) => {
      let settled = false;
      const finish = (exitCode: number | null, signal: NodeJS.Signals | null, extra = ""): void => {
        if (settled) return;
        settled = true;
        emit(splitter.flush());
        done = true;
        forget();
        killGroup(child, "SIGKILL");
        const result: LiveExit = { exitCode, signal, stderr: stderr + extra };
        void tracked
          .then(async (spawned) => {
            if (spawned) {
              await waitForGroupExit(spawned.pgid);
              await track?.ended(spawned);
            }
          })
          .catch(() => undefined)
          .finally(() => {
            resolve(result);
          });
      };
      child.on("error", (error: NodeJS.ErrnoException) => {
        finish(error.code === "ENOENT" ? 127 : null, null, `${command}: ${error.message}\n`);
      });
      child.on("close", (code, signal) => {
        finish(code, signal);
      });
    });
    // A failed registration kills the child (release did); its exit settles `exited`.
    tracked.catch((error: unknown) => {
      stderr += `registering the child failed: ${String(error)}\n`;
    });
    return {
      pid: child.pid,
      writeLine: (text) => {
        if (!done && child.stdin.writable) child.stdin.write(`${text}\n`);
      },
      onLine: (listener) => {
        listeners.push(listener);
      },
      exited,
      get done() {
        return done;
      },
      stderr: () => stderr,
      stdoutChars: () => stdoutChars,
      stop: () => {
        if (done) return exited;
        child.stdin.end();
        killGroup(child, "SIGTERM");
        const timer = setTimeout(() => {
          killGroup(child, "SIGKILL");
        }, STOP_GRACE_MS);
        timer.unref();
        return exited.finally(() => {
          clearTimeout(timer);
        });
      },
      kill: () => {
        if (!done) killGroup(child, "SIGKILL");
        return exited;
      },
    };
  }
}

/** A child that could not be started: already exited, with the reason on stderr. */
function exitedProcess(exit: LiveExit): LiveProcess {
  const exited = Promise.resolve(exit);
  return {
    pid: undefined,
    writeLine: () => undefined,
    onLine: () => undefined,
    exited,
    done: true,
    stderr: () => exit.stderr,
    stdoutChars: () => 0,
    stop: () => exited,
    kill: () => exited,
  };
}
