import { readFile } from "node:fs/promises";
import { join, relative, resolve, sep } from "node:path";
import type { Problem } from "../core/errors.js";
import { ConfigError } from "../core/errors.js";
import type { ModelsConfig, ProjectConfig, QualityConfig } from "../core/project-config.js";
import { minReviewsProblem } from "../routing/cross-review.js";
import type { Env } from "./interpolate.js";
import { interpolateDocument } from "./interpolate.js";
import { readModelConfigFile } from "./model-config-file.js";
import {
  differentModelsKeys,
  minCodeReviewsKey,
  readQualityRulesFile,
} from "./quality-rules-file.js";
import { readTasksFile, useTasksDisplayPaths } from "./tasks-file.js";
import { SourceFile } from "./yaml-source.js";

export interface LoadOptions {
  /** Values for `${VAR}` references in the files. */
  readonly env: Env;
  /** When true a missing tasks.yaml is a problem; otherwise it means no tasks. */
  readonly requireTasks: boolean;
}

/** The folder that holds the three files, relative to the repository. */
export const CONFIG_DIR_NAME = ".orchestrator";

interface Loaded {
  readonly missing: boolean;
  readonly source: SourceFile;
}

/** Reads one file; a missing file is an empty document, any other read error a problem. */
async function loadSource(
  repoRoot: string,
  path: string,
  env: Env,
  prepare: (source: SourceFile) => void = () => undefined,
): Promise<Loaded> {
  const display = relative(repoRoot, path).split(sep).join("/");
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const source = new SourceFile(display, "");
    const code = error instanceof Error && "code" in error ? error.code : undefined;
    if (code === "ENOENT") return { missing: true, source };
    const reason = error instanceof Error ? error.message : String(error);
    source.reportAt(0, "", `cannot read the file: ${reason}`);
    return { missing: false, source };
  }
  const source = new SourceFile(display, text);
  prepare(source);
  if (!source.hasSyntaxErrors) interpolateDocument(source, env);
  return { missing: false, source };
}

/**
 * Loads and validates `<repoRoot>/.orchestrator/{tasks,model_config,quality_rules}.yaml`.
 * A missing model_config.yaml or quality_rules.yaml gives the built-in defaults. Every problem
 * in all three files is collected first; if there is any, one {@link ConfigError} carries them
 * all. Reads only; never writes.
 */
export async function loadProjectConfig(
  repoRoot: string,
  options: LoadOptions,
): Promise<ProjectConfig> {
  const root = resolve(repoRoot);
  const configDir = join(root, CONFIG_DIR_NAME);
  const load = (name: string, prepare?: (source: SourceFile) => void) =>
    loadSource(root, join(configDir, name), options.env, prepare);
  const [tasksFile, modelsFile, qualityFile] = await Promise.all([
    load("tasks.yaml", useTasksDisplayPaths),
    load("model_config.yaml"),
    load("quality_rules.yaml"),
  ]);
  const usable = (loaded: Loaded): boolean => !loaded.source.hasSyntaxErrors;

  if (tasksFile.missing && options.requireTasks) {
    tasksFile.source.reportAt(0, "", "tasks.yaml not found; run `orchestrator init`");
  }
  const tasks = usable(tasksFile) ? await readTasksFile(tasksFile.source, root) : [];
  const areas = [...new Set(tasks.map((t) => t.area))];
  const [models, quality] = await Promise.all([
    usable(modelsFile) ? readModelConfigFile(modelsFile.source, configDir, areas) : undefined,
    usable(qualityFile) ? readQualityRulesFile(qualityFile.source, root) : undefined,
  ]);

  if (models !== undefined && quality !== undefined && usable(qualityFile)) {
    checkSeedReviewKeys(qualityFile.source, models, quality);
  }
  const problems: Problem[] = [tasksFile, modelsFile, qualityFile].flatMap((f) =>
    [...f.source.problems].sort((a, b) => a.line - b.line || a.column - b.column),
  );
  if (problems.length > 0 || models === undefined || quality === undefined) {
    throw new ConfigError(problems);
  }
  const notes = [tasksFile, modelsFile, qualityFile].flatMap((f) => f.source.notes);
  return {
    repoRoot: root,
    configDir,
    tasks,
    models,
    quality,
    ...(notes.length > 0 ? { notes } : {}),
  };
}

/**
 * The seed's review keys against model_config.yaml: `min_reviews.code: N` needs N models of
 * another family for every model that may implement; `enforce_different_models: true` needs
 * cross-review on.
 */
function checkSeedReviewKeys(
  source: SourceFile,
  models: ModelsConfig,
  quality: QualityConfig,
): void {
  const data: unknown = source.toJS();
  const min = minCodeReviewsKey(data);
  if (min !== undefined && quality.minCodeReviews !== undefined) {
    const problem = minReviewsProblem(models, quality.minCodeReviews);
    if (problem !== undefined) source.report(min.path, problem);
  }
  if (!models.routing.crossReview) {
    for (const key of differentModelsKeys(data)) {
      source.report(
        key.path,
        "true cannot be honoured: model_config.yaml sets routing.cross_review: false (a reviewer " +
          "may then be of the author's family); set it to true or drop this key",
      );
    }
  }
}
