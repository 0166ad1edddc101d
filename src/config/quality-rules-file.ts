import { resolve } from "node:path";
import type { CheckSpec, QualityConfig, QualityLevel, ReportSpec } from "../core/project-config.js";
import { didYouMean, isRecord } from "./describe.js";
import { parseDuration } from "./duration.js";
import { pathExists } from "./file-checks.js";
import { QualityRulesFileSchema, RawCheckSchema, type RawReport } from "./file-schemas.js";
import type { SourceFile } from "./yaml-source.js";
import { validateAt } from "./zod-problems.js";

/** Check kinds each level runs when `levels:` does not name the checks itself. */
const DEFAULT_LEVEL_KINDS: Readonly<Record<QualityLevel, readonly CheckSpec["kind"][] | "all">> = {
  TRIVIAL: ["lint"],
  SMALL: ["lint", "typecheck", "tests"],
  MEDIUM: ["lint", "typecheck", "tests"],
  LARGE: "all",
};

/** Where the seed's review keys may stand: top level, `quality_rules:` or `orchestrator_quality:`. */
function seedKeyPlaces(raw: Record<string, unknown>): [Record<string, unknown>, string[]][] {
  const places: [Record<string, unknown>, string[]][] = [[raw, []]];
  for (const group of ["quality_rules", "orchestrator_quality"]) {
    const value = raw[group];
    if (isRecord(value)) places.push([value, [group]]);
  }
  return places;
}

/** A seed review key's value and its path in the file, e.g. `min_reviews.code`. */
export interface SeedReviewKey<T> {
  readonly value: T;
  readonly path: readonly (string | number)[];
}

/** The seed's `min_reviews.code`, where the file sets it. */
export function minCodeReviewsKey(data: unknown): SeedReviewKey<number> | undefined {
  if (!isRecord(data)) return undefined;
  for (const [place, prefix] of seedKeyPlaces(data)) {
    const min = place.min_reviews;
    if (isRecord(min) && typeof min.code === "number") {
      return { value: min.code, path: [...prefix, "min_reviews", "code"] };
    }
  }
  return undefined;
}

/** The seed's `enforce_different_models` entries set to true, with their paths. */
export function differentModelsKeys(data: unknown): SeedReviewKey<true>[] {
  if (!isRecord(data)) return [];
  return seedKeyPlaces(data).flatMap(([place, prefix]) => {
    const different = place.enforce_different_models;
    if (!isRecord(different)) return [];
    return Object.entries(different)
      .filter(([, flag]) => flag === true)
      .map(([what]) => ({
        value: true as const,
        path: [...prefix, "enforce_different_models", what],
      }));
  });
}

/**
 * The seed's `min_reviews` and `enforce_different_models` (top level, or under `quality_rules:` /
 * `orchestrator_quality:`) are accepted with the values the orchestrator honours: one approving
 * plan reviewer, N >= 1 code reviewers (checked against the models in load-project-config.ts),
 * reviewers always of another family. Any other value is refused rather than silently ignored.
 */
function refuseUnhonouredSeedKeys(source: SourceFile, raw: Record<string, unknown>): void {
  for (const [place, prefix] of seedKeyPlaces(raw)) {
    const minReviews = place.min_reviews;
    if (isRecord(minReviews)) {
      for (const [what, n] of Object.entries(minReviews)) {
        if (typeof n !== "number") continue;
        if (what === "code" && n >= 1) continue;
        if (what !== "code" && n === 1) continue;
        source.report(
          [...prefix, "min_reviews", what],
          what === "code"
            ? `expected at least 1: every step is code-reviewed by a model of another family; found ${n}`
            : `only 1 is supported: one reviewer of another model family must approve each ` +
                `${what === "plan" ? "plan" : "step"}; found ${n}`,
        );
      }
    }
    const different = place.enforce_different_models;
    if (isRecord(different)) {
      for (const [what, flag] of Object.entries(different)) {
        if (flag !== false) continue;
        source.report(
          [...prefix, "enforce_different_models", what],
          "false cannot be honoured: a reviewer is always of another model family than the " +
            "author (set routing.cross_review: false in model_config.yaml to drop the rule)",
        );
      }
    }
  }
}

/**
 * Reads a parsed `quality_rules.yaml`, reporting every problem to the source file. An empty or
 * missing file gives no checks at all, so the quality gate passes trivially (the reviews still
 * run); `orchestrator init` writes a file with examples to fill in.
 */
export async function readQualityRulesFile(
  source: SourceFile,
  repoRoot: string,
): Promise<QualityConfig> {
  const data: unknown = source.toJS() ?? {};
  const parsed =
    validateAt(source, QualityRulesFileSchema, data) ?? QualityRulesFileSchema.parse({});
  const raw = isRecord(data) ? data : {};

  refuseUnhonouredSeedKeys(source, raw);
  const minCodeReviews = minCodeReviewsKey(raw);
  const checks = new Map<string, CheckSpec>();
  const rawChecks = isRecord(raw.checks) ? raw.checks : {};
  for (const [name, value] of Object.entries(rawChecks)) {
    const check = RawCheckSchema.safeParse(value).data;
    if (check === undefined) continue;
    const reports =
      check.report === undefined
        ? []
        : (Array.isArray(check.report) ? check.report : [check.report]).map(reportSpec);
    checks.set(name, {
      name,
      command: check.command ?? [],
      timeoutMs: parseDuration(check.timeout) ?? 0,
      kind: check.kind,
      env: check.env,
      reports,
      ...(check.related === undefined ? {} : { related: check.related }),
      policy: check.policy,
      tolerancePct: check.tolerance,
    });
  }

  const rawLevels = isRecord(raw.levels) ? raw.levels : {};
  const namesFor = (level: QualityLevel): readonly string[] => {
    const names = rawLevels[level];
    if (!Array.isArray(names)) return defaultLevel(level, [...checks.values()]);
    const known = Object.keys(rawChecks);
    names.forEach((name: unknown, i) => {
      if (typeof name !== "string" || Object.hasOwn(rawChecks, name)) return;
      const hint = didYouMean(name, known);
      const list =
        known.length === 0
          ? " (no checks are defined)"
          : hint || `; expected one of ${known.join(", ")}`;
      source.report(["levels", level, i], `unknown check "${name}"${list}`);
    });
    return names.filter((n): n is string => typeof n === "string");
  };
  const levels: Record<QualityLevel, readonly string[]> = {
    TRIVIAL: namesFor("TRIVIAL"),
    SMALL: namesFor("SMALL"),
    MEDIUM: namesFor("MEDIUM"),
    LARGE: namesFor("LARGE"),
  };

  for (const [i, doc] of parsed.policy_docs.entries()) {
    if (!(await pathExists(resolve(repoRoot, doc)))) {
      source.report(
        ["policy_docs", i],
        `expected a file in the repository, found "${doc}" (not found)`,
      );
    }
  }

  const retries = isRecord(raw.retries) ? raw.retries : {};
  const maxAttempts =
    retries.max_attempts === undefined
      ? (parsed.orchestrator_quality?.max_retry_attempts ?? parsed.max_retry_attempts)
      : undefined;
  return {
    checks,
    levels,
    defaultLevel: parsed.default_level,
    maxAttempts: maxAttempts ?? parsed.retries?.max_attempts ?? 3,
    planReviewRounds: parsed.retries?.plan_review_rounds ?? 2,
    policyDocs: parsed.policy_docs,
    contextTokenBudget: parsed.context_token_budget,
    ...(parsed.setup === undefined ? {} : { setup: parsed.setup }),
    ...(parsed.gate?.max_parallel === undefined
      ? {}
      : { maxParallelGates: parsed.gate.max_parallel }),
    ...(minCodeReviews === undefined || minCodeReviews.value < 1
      ? {}
      : { minCodeReviews: minCodeReviews.value }),
  };
}

function reportSpec(raw: RawReport): ReportSpec {
  return {
    format: raw.format,
    ...(raw.file === undefined ? {} : { file: raw.file }),
    ...(raw.pattern === undefined ? {} : { pattern: raw.pattern }),
  };
}

function defaultLevel(level: QualityLevel, checks: readonly CheckSpec[]): string[] {
  const kinds = DEFAULT_LEVEL_KINDS[level];
  return checks.filter((c) => kinds === "all" || kinds.includes(c.kind)).map((c) => c.name);
}
