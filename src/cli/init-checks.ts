import {
  detectChecks,
  renderDetectedChecks,
  toCheckSpec,
  type CheckVerdict,
  type Detection,
} from "../config/detect-checks/index.js";
import type { ProcessRunner } from "../core/ports.js";
import { verifyChecks, type CheckTrial } from "../gate/verify-checks.js";
import { Git } from "../workspace/index.js";

/** What `init` found and ran, for quality_rules.yaml and for the lines it prints. */
export interface InitChecks {
  readonly detection: Detection;
  readonly trials: readonly CheckTrial[] | undefined;
  /** The `setup:`/`checks:` part of quality_rules.yaml. */
  readonly block: string;
  /** Checks written active (not commented out). */
  readonly active: readonly string[];
}

const PROBE_TIMEOUT_MS = 30_000;

/**
 * Detects the repository's checks and, unless `run` is false, runs each once on the untouched
 * repository so that only green ones are written active.
 */
export async function detectInitChecks(
  runner: ProcessRunner,
  repoRoot: string,
  run: boolean,
  onTrial?: (trial: CheckTrial) => void,
): Promise<InitChecks> {
  const gitDir = await new Git(runner, repoRoot)
    .tryRun(["rev-parse", "--path-format=absolute", "--git-common-dir"])
    .then((r) => (r.exitCode === 0 ? r.stdout.trim() : undefined));
  const detection = await detectChecks({
    root: repoRoot,
    ...(gitDir === undefined ? {} : { gitDir }),
    probe: async (program, args) => {
      const result = await runner
        .run(program, args, { cwd: repoRoot, timeoutMs: PROBE_TIMEOUT_MS })
        .catch(() => undefined);
      return result?.exitCode === 0;
    },
  });
  const trials =
    run && detection.checks.length > 0
      ? await verifyChecks({
          runner,
          repoRoot,
          checks: detection.checks.map(toCheckSpec),
          setup: detection.setup,
          ...(onTrial === undefined ? {} : { onTrial }),
        })
      : undefined;
  const verdicts = new Map<string, CheckVerdict>();
  for (const check of detection.checks) {
    const trial = trials?.find((t) => t.name === check.name);
    verdicts.set(
      check.name,
      trial === undefined
        ? {
            status: "not-run",
            detail: run
              ? "not run yet (no commit): run `orchestrator validate --run-checks`"
              : "not run (--no-run-checks)",
          }
        : { status: trial.passed ? "passed" : "failed", detail: trial.detail },
    );
  }
  return {
    detection,
    trials,
    block: renderDetectedChecks(detection, verdicts),
    active: detection.checks
      .filter((c) => verdicts.get(c.name)?.status !== "failed")
      .map((c) => c.name),
  };
}
