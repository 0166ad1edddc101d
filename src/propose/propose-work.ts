import { existsSync } from "node:fs";
import { join } from "node:path";
import type { ModelProvider, ProcessRunner, Store } from "../core/ports.js";
import type { ModelSpec, ProjectConfig } from "../core/project-config.js";
import { parseConstraint } from "../core/task.js";
import { mergeTasks, taskIdsInFile } from "../integrations/github/tasks-yaml.js";
import type { TasksFileChange } from "../integrations/github/tasks-yaml.js";
import { baselineFindings, DEFAULT_COVERAGE_TARGET } from "./baseline-findings.js";
import { buildProposals } from "./build-proposals.js";
import type { Finding } from "./findings.js";
import { historyFindings } from "./history-findings.js";
import { proposeWithModel } from "./model-proposals.js";
import type { Proposal } from "./proposal.js";
import { withUniqueIds } from "./proposal.js";
import { scanMarkerComments } from "./scan-comments.js";

/** What {@link proposeWork} needs. */
export interface ProposeOptions {
  readonly repoRoot: string;
  readonly config: ProjectConfig;
  readonly store: Store;
  readonly runner: ProcessRunner;
  /** At most this many proposals. */
  readonly limit: number;
  /** Given: a planner model turns the findings into tasks (else the deterministic proposals). */
  readonly providerFor?: ((spec: ModelSpec) => ModelProvider) | undefined;
  readonly env?: Readonly<Record<string, string>> | undefined;
  readonly signal?: AbortSignal | undefined;
}

/** What was analysed, what it found, and the proposals made from it. */
export interface ProposeResult {
  /** HEAD, whose gate baseline was analysed; absent in a repository without commits. */
  readonly sha?: string | undefined;
  /** Checks of the baseline (those with `reports:`). */
  readonly baselineChecks: readonly string[];
  readonly coverageTarget: number;
  readonly findings: readonly Finding[];
  readonly proposals: readonly Proposal[];
  /** `deterministic`, or the model that wrote the proposals. */
  readonly by: string;
  readonly costUsd: number;
  /** Things the reader should know: a model answer that was thrown away, a skipped analysis. */
  readonly notes: readonly string[];
}

/** The path of the project's tasks.yaml. */
export function tasksFilePath(repoRoot: string): string {
  return join(repoRoot, ".orchestrator", "tasks.yaml");
}

/** The highest `NN%+ test coverage` any task asks for, else {@link DEFAULT_COVERAGE_TARGET}. */
export function coverageTargetOf(config: ProjectConfig): number {
  let target: number | undefined;
  for (const task of config.tasks) {
    for (const text of task.constraints) {
      const c = parseConstraint(text);
      if (c.kind === "coverage") target = Math.max(target ?? 0, c.minPercent);
    }
  }
  return target ?? DEFAULT_COVERAGE_TARGET;
}

async function headSha(runner: ProcessRunner, repoRoot: string): Promise<string | undefined> {
  const result = await runner.run("git", ["rev-parse", "--verify", "--quiet", "HEAD^{commit}"], {
    cwd: repoRoot,
  });
  return result.exitCode === 0 ? result.stdout.trim() : undefined;
}

/**
 * Analyses the repository without a model — the gate's baseline of HEAD (failing tests, warnings
 * by file, files under the coverage target), TODO/FIXME/XXX comments, failed or escalated tasks
 * — and proposes tasks from it; with `providerFor`, a planner model writes the proposals from the
 * same findings, and a malformed answer falls back to the deterministic ones. Proposals only
 * name context files that exist, and their ids are unique against tasks.yaml and the history.
 */
export async function proposeWork(options: ProposeOptions): Promise<ProposeResult> {
  const { repoRoot, config, store, runner } = options;
  const notes: string[] = [];
  const coverageTarget = coverageTargetOf(config);
  const sha = await headSha(runner, repoRoot);
  let baselineChecks: readonly string[] = [];
  const findings: Finding[] = [];
  if (sha === undefined) notes.push("the repository has no commit yet: no gate baseline");
  else {
    const baseline = await baselineFindings({
      runner,
      repoRoot,
      sha,
      quality: config.quality,
      coverageTarget,
      env: options.env,
      signal: options.signal,
    });
    baselineChecks = baseline.checks;
    if (baseline.checks.length === 0)
      notes.push(
        "no check has reports: in quality_rules.yaml, so the gate baseline has no findings",
      );
    findings.push(...baseline.findings);
  }
  findings.push(...(await historyFindings(store)));
  findings.push(...(await scanMarkerComments(runner, repoRoot, { signal: options.signal })));

  let proposals = buildProposals(findings);
  let by = "deterministic";
  let costUsd = 0;
  if (options.providerFor !== undefined && findings.length > 0) {
    const answer = await proposeWithModel({
      models: config.models,
      providerFor: options.providerFor,
      store,
      repoRoot,
      findings,
      limit: options.limit,
      signal: options.signal,
    });
    if (answer.ok) {
      proposals = answer.proposals;
      by = answer.model;
      costUsd = answer.costUsd;
    } else {
      notes.push(
        `the model${answer.model === undefined ? "" : ` ${answer.model}`} gave no usable proposals (${answer.error.split("\n").join(" ")}); showing the deterministic ones`,
      );
    }
  }
  const taken = new Set([
    ...config.tasks.map((t) => t.id),
    ...(await taskIdsInFile(tasksFilePath(repoRoot))),
    ...(await store.listTasks()).map((t) => t.id),
  ]);
  const existing = (files: readonly string[]): string[] =>
    files.filter((f) => !f.startsWith("/") && !f.includes("..") && existsSync(join(repoRoot, f)));
  proposals = withUniqueIds(
    proposals
      .slice(0, options.limit)
      .map((p) => ({ ...p, context_files: existing(p.context_files) })),
    taken,
  );
  return { sha, baselineChecks, coverageTarget, findings, proposals, by, costUsd, notes };
}

/** The comment written above a proposal in tasks.yaml: where it came from. */
export function evidenceComment(p: Proposal): string {
  return [" proposed by `orchestrator propose` from:", ...p.evidence.map((e) => `   - ${e}`)].join(
    "\n",
  );
}

/** Appends the proposals to tasks.yaml, keeping its comments and formatting; never runs them. */
export function writeProposals(
  repoRoot: string,
  proposals: readonly Proposal[],
): Promise<TasksFileChange> {
  const byId = new Map(proposals.map((p) => [p.id, p]));
  return mergeTasks(
    tasksFilePath(repoRoot),
    proposals,
    ["goal", "risk", "area", "context_files", "constraints"],
    (id) => {
      const p = byId.get(id);
      return p === undefined ? undefined : evidenceComment(p);
    },
  );
}
