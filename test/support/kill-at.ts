import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { CLI } from "./cli.js";

/** A predicate on the JSON events `run --json` prints. */
export type EventTrigger = (event: Record<string, unknown>) => boolean;

/**
 * Starts `orchestrator ARGS --json` and SIGKILLs it as soon as it prints an event the trigger
 * accepts; resolves once the process is dead, with whether the trigger fired.
 */
export function runUntilKilled(
  args: readonly string[],
  cwd: string,
  env: Readonly<Record<string, string>>,
  trigger: EventTrigger,
): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args, "--json"], {
      cwd,
      env: { ...process.env, ...env, NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "ignore"],
    });
    let killed = false;
    createInterface({ input: child.stdout }).on("line", (line) => {
      if (killed) return;
      let event: unknown;
      try {
        event = JSON.parse(line);
      } catch {
        return;
      }
      if (
        typeof event === "object" &&
        event !== null &&
        trigger(event as Record<string, unknown>)
      ) {
        killed = true;
        child.kill("SIGKILL");
      }
    });
    child.on("error", reject);
    child.on("close", () => {
      resolve(killed);
    });
  });
}

/** Fires on the transition into `state` (of `step`, when given). */
export const atState =
  (state: string, step?: string): EventTrigger =>
  (e) =>
    e.type === "transition" &&
    e.to === state &&
    (step === undefined || JSON.stringify(e.event).includes(`"${step}"`));
