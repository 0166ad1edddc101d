import { availableParallelism } from "node:os";
import type { ProcessRunner } from "../core/ports.js";
import { Semaphore } from "../core/semaphore.js";
import type { QualityConfig } from "../core/project-config.js";
import { Git } from "../workspace/index.js";
import { resolveMainWorktree } from "../workspace/worktree-list.js";
import { runGate } from "./run-level-checks.js";
import { prewarmGateBaseline, runGateAgainstBase } from "./run-against-base.js";
import type { GatePort, GatePrepareInput, GateRun } from "../core/gate-port.js";

/**
 * The engine's gate: the configured checks run for real in the task's worktree. With a base
 * commit, they are compared with its baseline and the level may be chosen from the change;
 * without one, exit codes decide at the given level. `prepare` builds the baseline of the task's
 * base commit, for every check with a report, in the background when the task starts.
 */
export function createGatePort(runner: ProcessRunner, quality: QualityConfig): GatePort {
  // A task's worktree keeps its main worktree: asked once per worktree, not at every gate.
  const mainRoots = new Map<string, Promise<string>>();
  const mainRootOf = (cwd: string): Promise<string> => {
    let root = mainRoots.get(cwd);
    if (root === undefined) {
      root = resolveMainWorktree(new Git(runner, cwd));
      mainRoots.set(cwd, root);
      void root.catch(() => mainRoots.delete(cwd));
    }
    return root;
  };
  // Gates of concurrent tasks share the machine: at most `gate.max_parallel` run at once. The
  // background baseline (`prepare`) is not counted: a gate may wait for it, so it must not
  // wait for a slot a gate holds.
  const slots = new Semaphore(defaultMaxParallelGates(quality));
  const gate: GateRun = (input) => slots.with(() => runOneGate(input), input.signal);
  const runOneGate: GateRun = async ({
    cwd,
    level,
    logDir,
    signal,
    baseSha,
    choose,
    constraints,
    onBaseline,
  }) => {
    // The gate's functions return the port's own shape (GateOutcome): nothing to translate.
    if (baseSha === undefined) return runGate({ cwd, quality, level, runner, logDir, signal });
    return runGateAgainstBase({
      runner,
      quality,
      cwd,
      baseSha,
      level:
        choose === undefined
          ? { fixed: level, reason: "requested level" }
          : { choose, stepRef: "HEAD" },
      logDir,
      signal,
      constraints,
      coverageConstraint: choose?.isFinal ?? true,
      onBaseline,
      mainRoot: await mainRootOf(cwd),
    });
  };
  return Object.assign(gate, {
    prepare: async ({ cwd, baseSha, logDir, signal }: GatePrepareInput): Promise<void> => {
      const mainRoot = await mainRootOf(cwd);
      await prewarmGateBaseline({ runner, quality, cwd, baseSha, logDir, signal, mainRoot });
    },
  });
}

/** `gate.max_parallel`, or the number of CPU cores. */
export function defaultMaxParallelGates(quality: QualityConfig): number {
  return quality.maxParallelGates ?? Math.max(1, availableParallelism());
}
