import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { CLI } from "../support/cli.js";

/** `orchestrator serve` running as its own process. */
export interface ServeProcess {
  readonly url: string;
  readonly loginUrl: string;
  readonly output: () => string;
  stop(): Promise<void>;
}

/** Starts `orchestrator serve --port 0` in `cwd` and waits (at most 20 s) for its login URL. */
export async function startServe(
  cwd: string,
  env: Readonly<Record<string, string>>,
  args: readonly string[] = [],
): Promise<ServeProcess> {
  const child: ChildProcess = spawn(process.execPath, [CLI, "serve", "--port", "0", ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: "1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) =>
      child.once("exit", () => {
        resolve();
      }),
    );
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    const login = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`serve did not start:\n${out}`));
      }, 20_000);
      const check = (): void => {
        const m = /log in:\s+(\S+)/.exec(out);
        if (m?.[1] !== undefined) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      };
      child.stdout?.on("data", check);
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`serve exited with ${String(code)}:\n${out}`));
      });
    });
    return { url: new URL("/", login).toString(), loginUrl: login, output: () => out, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
