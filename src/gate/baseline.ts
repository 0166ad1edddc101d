import { createHash } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { UserError } from "../core/errors.js";
import type { ProcessRunner } from "../core/ports.js";
import type { CheckSpec, QualityConfig } from "../core/project-config.js";
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

/** What the `gate.baseline` event records. */
export interface BaselineRecord {
  readonly sha: string;
  readonly configHash: string;
  readonly file: string;
  readonly checks: string[];
  readonly ran: string[];
  readonly reused: boolean;
  readonly durationMs: number;
}

export interface Baseline {
  readonly runs: ReadonlyMap<string, CheckRunData>;
  readonly record: BaselineRecord;
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

/**
 * The baseline of `checks` at commit `sha`: read from the cache file, and for checks not yet in it,
 * run in a detached worktree of `sha` (after `setup:`) and added to the file. Concurrent runs on
 * the same base may both run a check; the file is replaced atomically, so it is never torn.
 */
export async function ensureBaseline(options: BaselineOptions): Promise<Baseline> {
  const started = Date.now();
  const configHash = qualityConfigHash(options.quality);
  const file = baselineFile(options.mainRoot, options.sha, configHash);
  const names = options.checks.map((c) => c.name);
  const cached = await readBaseline(file);
  const missing = options.checks.filter((c) => cached?.checks[c.name] === undefined);
  if (missing.length === 0) {
    return {
      runs: toRuns(cached, names),
      record: {
        sha: options.sha,
        configHash,
        file,
        checks: Object.keys(cached?.checks ?? {}).sort(),
        ran: [],
        reused: true,
        durationMs: Date.now() - started,
      },
    };
  }
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
  // Another task may have added checks meanwhile: merge with what is on disk now.
  const latest = await readBaseline(file);
  const merged: BaselineFile = {
    version: BASELINE_VERSION,
    sha: options.sha,
    configHash,
    checks: { ...latest?.checks, ...cached?.checks, ...fresh },
  };
  await mkdir(join(file, ".."), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(merged), "utf8");
  await rename(tmp, file);
  return {
    runs: toRuns(merged, names),
    record: {
      sha: options.sha,
      configHash,
      file,
      checks: Object.keys(merged.checks).sort(),
      ran: missing.map((c) => c.name),
      reused: false,
      durationMs: Date.now() - started,
    },
  };
}
