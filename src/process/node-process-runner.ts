import { spawn, type ChildProcess } from "node:child_process";
import type { ProcessResult, ProcessRunner, RunOptions } from "../core/ports.js";

/** Time between SIGTERM and SIGKILL when a child outlives its timeout. */
const KILL_GRACE_MS = 2_000;
/** Output kept per stream; the tail is kept, since errors are usually printed last. */
const MAX_OUTPUT_CHARS = 4 * 1024 * 1024;

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Kills the child's whole process group (coding-agent CLIs start children of their own). */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
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

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const child of live) killGroup(child, "SIGKILL");
  });
}

function appendCapped(buffer: string, chunk: string): string {
  const next = buffer + chunk;
  return next.length > MAX_OUTPUT_CHARS ? next.slice(next.length - MAX_OUTPUT_CHARS) : next;
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
    return new Promise((resolve) => {
      let stdout = "";
      let stderr = "";
      let timedOut = false;
      let settled = false;
      let killTimer: NodeJS.Timeout | undefined;
      const child = spawn(command, [...args], {
        cwd: options.cwd,
        env,
        stdio: ["pipe", "pipe", "pipe"],
        detached: true,
      });
      live.add(child);

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
        stdout = appendCapped(stdout, chunk);
      });
      child.stderr.on("data", (chunk: string) => {
        stderr = appendCapped(stderr, chunk);
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
        // The leader is gone; make sure nothing it started lingers in its group.
        if (timedOut || options.signal?.aborted) killGroup(child, "SIGKILL");
        options.signal?.removeEventListener("abort", onAbort);
        resolve({
          exitCode,
          signal,
          timedOut,
          durationMs: performance.now() - started,
          stdout,
          stderr: stderr + extra,
        });
      };
      child.on("error", (error: NodeJS.ErrnoException) => {
        // ENOENT: the binary is missing. Reported as exit code 127, as a shell would.
        finish(error.code === "ENOENT" ? 127 : null, null, `${command}: ${error.message}\n`);
      });
      child.on("close", (code, signal) => {
        finish(code, signal);
      });
    });
  }
}
