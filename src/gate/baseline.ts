import { createHash, randomBytes } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { UserError } from "../core/errors.js";
import type { GateBaselineRecord } from "../core/gate-port.js";
import type { ProcessRunner } from "../core/ports.js";
import { QUALITY_LEVELS, type CheckSpec, type QualityConfig } from "../core/project-config.js";
import type { CheckRunData } from "./compare-check.js";
import { ensureCacheDir, withDetachedWorktree } from "./gate-worktree.js";
import { combinedOutput, ending, executeCheck, runCommand } from "./execute-check.js";
import { loadReportData, saveReportData, SavedReportDataSchema } from "./report-data.js";

/** Version of the baseline file's shape. */
const BASELINE_VERSION = 1;
/** Time allowed for `setup:`. */
export const SETUP_TIMEOUT_MS = 10 * 60 * 1000;

const SavedRunSchema = z.object({
  exitCode: z.number().int().nullable(),
  timedOut: z.boolean(),
  durationMs: z.number().nonnegative(),
  data: SavedReportDataSchema,
});

export const BaselineFileSchema = z.object({
  version: z.literal(BASELINE_VERSION),
  sha: z.string(),
  configHash: z.string(),
  checks: z.record(z.string(), SavedRunSchema),
});
export type BaselineFile = z.infer<typeof BaselineFileSchema>;

export interface Baseline {
  readonly runs: ReadonlyMap<string, CheckRunData>;
  readonly record: GateBaselineRecord;
}

/**
 * Hash of what a baseline depends on: `setup:` and each check's command, kind, environment,
 * timeout and reports. Policies and tolerances only change the comparison, so they are left out.
 */
export function qualityConfigHash(quality: QualityConfig): string {
  const checks = [...quality.checks.values()]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((c) => [c.name, c.kind, c.command, c.env, c.timeoutMs, c.reports ?? []]);
  return createHash("sha256")
    .update(JSON.stringify({ setup: quality.setup ?? null, checks }))
    .digest("hex")
    .slice(0, 12);
}

/** `.orchestrator/cache/baselines/<sha>-<hash>.json` */
export function baselineFile(mainRoot: string, sha: string, hash: string): string {
  return join(mainRoot, ".orchestrator", "cache", "baselines", `${sha}-${hash}.json`);
}

async function readBaseline(file: string): Promise<BaselineFile | undefined> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    return undefined;
  }
  try {
    // A corrupt or older file is made again rather than trusted.
    return BaselineFileSchema.parse(JSON.parse(text));
  } catch {
    return undefined;
  }
}

function toRuns(
  file: BaselineFile | undefined,
  names: readonly string[],
): Map<string, CheckRunData> {
  const runs = new Map<string, CheckRunData>();
  for (const name of names) {
    const saved = file?.checks[name];
    if (saved !== undefined) {
      runs.set(name, {
        exitCode: saved.exitCode,
        timedOut: saved.timedOut,
        data: loadReportData(saved.data),
      });
    }
  }
  return runs;
}

export interface BaselineOptions {
  readonly runner: ProcessRunner;
  /** The main worktree of the repository (where `.orchestrator/` is). */
  readonly mainRoot: string;
  readonly sha: string;
  readonly quality: QualityConfig;
  /** Checks to have in the baseline: those with reports, in their full form. */
  readonly checks: readonly CheckSpec[];
  /** Logs of the baseline run go here. */
  readonly logDir: string;
  readonly signal?: AbortSignal | undefined;
  readonly env?: Readonly<Record<string, string>> | undefined;
}

/** A baseline run in progress in this process, for one cache file. */
interface InFlightRun {
  readonly checks: ReadonlySet<string>;
  readonly done: Promise<unknown>;
}

/** Baseline runs in progress in this process, by cache file. */
const inFlight = new Map<string, Set<InFlightRun>>();
/** How many runs of each cache file have ended: a reader that raced one reads the file again. */
const runsEnded = new Map<string, number>();
/** The last write of each cache file in this process: writes are made one after another. */
const writes = new Map<string, Promise<unknown>>();

/** Waits until every run has settled, or the signal fires (then throws its reason). */
async function waitForRuns(runs: readonly InFlightRun[], signal?: AbortSignal): Promise<void> {
  signal?.throwIfAborted();
  const all = Promise.allSettled(runs.map((r) => r.done));
  if (signal === undefined) {
    await all;
    return;
  }
  let onAbort: (() => void) | undefined;
  try {
    await Promise.race([
      all,
      new Promise<void>((resolve) => {
        onAbort = resolve;
        signal.addEventListener("abort", onAbort, { once: true });
      }),
    ]);
  } finally {
    if (onAbort) signal.removeEventListener("abort", onAbort);
  }
  signal.throwIfAborted();
}

/** Runs `fn` after the previous write of `file` in this process has ended. */
async function serializedWrite<T>(file: string, fn: () => Promise<T>): Promise<T> {
  const previous = writes.get(file) ?? Promise.resolve();
  const mine = previous.then(fn, fn);
  writes.set(file, mine);
  try {
    return await mine;
  } finally {
    if (writes.get(file) === mine) writes.delete(file);
  }
}

/**
 * The baseline of `checks` at commit `sha`: read from the cache file, and for checks not yet in it,
 * run in a detached worktree of `sha` (after `setup:`) and added to the file.
 *
 * In this process, a call never runs a check that a run in progress on the same cache file is
 * already running (another task's gate, or the baseline prewarmed at task start,
 * {@link prewarmBaseline}): it waits for that run and reads the file again. The record's `ran`
 * lists the checks that were missing from the file when the call first looked, whether it ran
 * them or waited for the run that did; `reused` is true when none was (the file already held
 * them all). Concurrent processes on the same base may both run a check; the file is replaced
 * atomically, so it is never torn.
 */
export async function ensureBaseline(options: BaselineOptions): Promise<Baseline> {
  const started = Date.now();
  const configHash = qualityConfigHash(options.quality);
  const file = baselineFile(options.mainRoot, options.sha, configHash);
  const names = options.checks.map((c) => c.name);
  const record = (saved: BaselineFile | undefined, ran: string[]): GateBaselineRecord => ({
    sha: options.sha,
    configHash,
    file,
    checks: Object.keys(saved?.checks ?? {}).sort(),
    ran,
    reused: ran.length === 0,
    durationMs: Date.now() - started,
  });
  let firstMissing: string[] | undefined;
  for (;;) {
    const ended = runsEnded.get(file) ?? 0;
    const cached = await readBaseline(file);
    const missing = options.checks.filter((c) => cached?.checks[c.name] === undefined);
    firstMissing ??= missing.map((c) => c.name);
    if (missing.length === 0)
      return { runs: toRuns(cached, names), record: record(cached, firstMissing) };
    const busy = [...(inFlight.get(file) ?? [])].filter((run) =>
      missing.some((c) => run.checks.has(c.name)),
    );
    if (busy.length > 0) {
      // Whether they succeed or not, the file is read again: what is still missing is run here.
      await waitForRuns(busy, options.signal);
      continue;
    }
    // A run ended while the file was read: what it wrote may not have been seen.
    if ((runsEnded.get(file) ?? 0) !== ended) continue;
    const done = runMissing(options, file, configHash, cached, missing);
    const entry: InFlightRun = { checks: new Set(missing.map((c) => c.name)), done };
    const runs = inFlight.get(file) ?? new Set<InFlightRun>();
    runs.add(entry);
    inFlight.set(file, runs);
    try {
      const merged = await done;
      return { runs: toRuns(merged, names), record: record(merged, firstMissing) };
    } finally {
      runs.delete(entry);
      if (runs.size === 0 && inFlight.get(file) === runs) inFlight.delete(file);
      runsEnded.set(file, (runsEnded.get(file) ?? 0) + 1);
    }
  }
}

/** Runs `missing` in a detached worktree of the base and merges them into the cache file. */
async function runMissing(
  options: BaselineOptions,
  file: string,
  configHash: string,
  cached: BaselineFile | undefined,
  missing: readonly CheckSpec[],
): Promise<BaselineFile> {
  await ensureCacheDir(options.mainRoot);
  const fresh = await withDetachedWorktree(
    options.runner,
    options.mainRoot,
    `baseline-${options.sha.slice(0, 12)}`,
    options.sha,
    async (path) => {
      const env = {
        ...options.env,
        ORCHESTRATOR_REPO_ROOT: options.mainRoot,
        ORCHESTRATOR_BASE_SHA: options.sha,
      };
      const values = { files: [], base: options.sha };
      if (options.quality.setup !== undefined) {
        options.signal?.throwIfAborted();
        const setup = await runCommand(
          options.quality.setup,
          {
            cwd: path,
            runner: options.runner,
            logDir: options.logDir,
            signal: options.signal,
            env,
            values,
          },
          SETUP_TIMEOUT_MS,
        );
        options.signal?.throwIfAborted();
        if (setup.exitCode !== 0 || setup.timedOut) {
          throw new UserError(
            `setup: failed in the baseline worktree of ${options.sha.slice(0, 12)} (${ending(setup, SETUP_TIMEOUT_MS)}): ${combinedOutput(setup).trim().split("\n").slice(-3).join(" | ")}`,
          );
        }
      }
      const out: Record<string, z.infer<typeof SavedRunSchema>> = {};
      for (const spec of missing) {
        options.signal?.throwIfAborted();
        const run = await executeCheck(spec, {
          cwd: path,
          runner: options.runner,
          logDir: options.logDir,
          signal: options.signal,
          env,
          values,
          readReports: true,
        });
        out[spec.name] = {
          exitCode: run.outcome.exitCode,
          timedOut: run.outcome.timedOut,
          durationMs: Math.round(run.outcome.durationMs),
          data: saveReportData(run.data ?? { errors: [] }),
        };
      }
      return out;
    },
  );
  return serializedWrite(file, async () => {
    // Another task may have added checks meanwhile: merge with what is on disk now.
    const latest = await readBaseline(file);
    const merged: BaselineFile = {
      version: BASELINE_VERSION,
      sha: options.sha,
      configHash,
      checks: { ...latest?.checks, ...cached?.checks, ...fresh },
    };
    await mkdir(join(file, ".."), { recursive: true });
    const tmp = `${file}.${process.pid}-${randomBytes(3).toString("hex")}.tmp`;
    await writeFile(tmp, JSON.stringify(merged), "utf8");
    await rename(tmp, file);
    return merged;
  });
}

/**
 * The checks a prewarmed baseline holds: every check with a report in any level (LARGE usually
 * names them all), in the order the levels first name them.
 */
export function prewarmChecks(quality: QualityConfig): CheckSpec[] {
  const out = new Map<string, CheckSpec>();
  for (const level of QUALITY_LEVELS) {
    for (const name of quality.levels[level]) {
      const spec = quality.checks.get(name);
      if (spec !== undefined && (spec.reports ?? []).length > 0 && !out.has(name)) {
        out.set(name, spec);
      }
    }
  }
  return [...out.values()];
}

/** A baseline being built in the background; `done` never outlives `abort()` for long. */
export interface BaselinePrewarm {
  /** The baseline, or undefined when no check has a report. Rejects on failure or abort. */
  readonly done: Promise<Baseline | undefined>;
  /** Stops the run: its processes are killed and its worktree removed before `done` settles. */
  abort(reason?: unknown): void;
}

/**
 * Starts {@link ensureBaseline} for every check with a report ({@link prewarmChecks}), so that a
 * task's first gate finds the baseline of its base ready, or waits for this run instead of
 * starting its own. The engine starts it when a task starts, alongside planning.
 */
export function prewarmBaseline(options: Omit<BaselineOptions, "checks">): BaselinePrewarm {
  const controller = new AbortController();
  const signal =
    options.signal === undefined
      ? controller.signal
      : AbortSignal.any([options.signal, controller.signal]);
  const checks = prewarmChecks(options.quality);
  const done =
    checks.length === 0
      ? Promise.resolve(undefined)
      : ensureBaseline({ ...options, checks, signal });
  return {
    done,
    abort: (reason?: unknown) => {
      controller.abort(reason);
    },
  };
}
