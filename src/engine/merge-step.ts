import type { Plan, PlanStep } from "../core/plan.js";
import type { RunContext } from "./step-context.js";
import type { WorkspaceDependency, WorkspacePendingMerge } from "../core/workspace-port.js";

/** The plan step type of a step that merges a conflicting dependency branch. */
export const MERGE_STEP_TYPE = "merge";

const MERGE_STEP_PREFIX = "merge-";

/** Longest side of a conflicted file shown to the code reviewer. */
const MAX_SIDE_CHARS = 8000;

/** The step that resolves the merge of `dep`. */
export function mergeStepFor(dep: WorkspacePendingMerge): PlanStep {
  const files = dep.conflicts.join(", ");
  return {
    id: `${MERGE_STEP_PREFIX}${dep.taskId}`,
    type: MERGE_STEP_TYPE,
    description:
      `Merge dependency branch ${dep.branch} (task ${dep.taskId}) into this task's branch and ` +
      `resolve its conflicts in ${files}: keep the intent of both sides and remove every ` +
      `conflict marker (<<<<<<<, =======, >>>>>>>).`,
    risk: "medium",
    estimated_complexity: "small",
    files_to_read: [...dep.conflicts],
    files_to_create: [],
    files_to_modify: [...dep.conflicts],
    tests_required: false,
    commands: [],
  };
}

/** The plan with a first step per dependency still to merge (those the planner did not add). */
export function withMergeSteps(plan: Plan, pending: readonly WorkspacePendingMerge[]): Plan {
  const steps = pending
    .map(mergeStepFor)
    .filter((step) => !plan.steps.some((s) => s.id === step.id));
  return steps.length === 0 ? plan : { ...plan, steps: [...steps, ...plan.steps] };
}

/**
 * The step `land` adds to a DONE task whose branch conflicts with the branch it lands into:
 * merge that branch's tip (`sha`) in and resolve `conflicts`. `existing` is the number of such
 * steps the task already has, so each gets an id of its own.
 */
export function baseMergeStep(
  branch: string,
  sha: string,
  conflicts: readonly string[],
  existing: number,
): PlanStep {
  return {
    ...mergeStepFor({ taskId: branch, branch, sha, conflicts }),
    id: `${BASE_MERGE_PREFIX}${existing + 1}`,
    description:
      `Merge ${branch} (${sha.slice(0, 12)}), the branch this task lands into, which moved ` +
      `since the task was done, and resolve its conflicts in ${conflicts.join(", ")}: keep the ` +
      `intent of both sides and remove every conflict marker (<<<<<<<, =======, >>>>>>>).`,
  };
}

const BASE_MERGE_PREFIX = "land-merge-";

/** The dependency a merge step merges, or undefined for any other step. */
export function mergedDependency(ctx: RunContext, step: PlanStep): WorkspaceDependency | undefined {
  if (step.type !== MERGE_STEP_TYPE) return undefined;
  // A step `land` added: the moved target branch, recorded with the task's events.
  const base = ctx.recorder.view.baseMerges?.[step.id];
  if (base) return { taskId: base.branch, branch: base.branch, sha: base.sha };
  if (!step.id.startsWith(MERGE_STEP_PREFIX)) return undefined;
  const taskId = step.id.slice(MERGE_STEP_PREFIX.length);
  return ctx.workspace.dependencies?.find((d) => d.taskId === taskId);
}

/**
 * Starts (or restores) the merge of a merge step in the worktree and tells the implementer
 * what to resolve. Returns undefined for other steps.
 */
export async function prepareMerge(
  ctx: RunContext,
  step: PlanStep,
): Promise<{ instructions: string; files: readonly string[] } | undefined> {
  const dep = mergedDependency(ctx, step);
  if (!dep) return undefined;
  const left = await ctx.deps.workspace.startMerge(ctx.workspace.worktree, dep.sha);
  const files = left.length > 0 ? left : step.files_to_modify;
  const instructions =
    left.length > 0
      ? `git is merging ${dep.branch} (${dep.sha.slice(0, 12)}) into this branch and stopped ` +
        `on conflicts in: ${left.join(", ")}. Edit those files so that each keeps the changes ` +
        `of BOTH sides where they are compatible (combine them, do not pick one side blindly), ` +
        `and remove every conflict marker line (<<<<<<<, =======, >>>>>>>). Change nothing else.`
      : `The merge of ${dep.branch} is in the worktree; check ${files.join(", ")} and make ` +
        `only the changes needed for both sides to work together.`;
  return { instructions, files };
}

/** An error when conflict markers remain in a merge step's files, else undefined. */
export async function unresolvedMarkers(
  ctx: RunContext,
  files: readonly string[],
): Promise<string | undefined> {
  const left = await ctx.deps.workspace.filesWithMarkers(ctx.workspace.worktree, files);
  return left.length === 0 ? undefined : `conflict markers remain in ${left.join(", ")}`;
}

/** Both sides of each conflicted file of a merge step, for the code reviewer. */
export async function mergeSides(
  ctx: RunContext,
  step: PlanStep,
): Promise<
  { branch: string; sides: { file: string; ours: string; theirs: string }[] } | undefined
> {
  const dep = mergedDependency(ctx, step);
  if (!dep) return undefined;
  const cut = (text: string | undefined): string =>
    text === undefined
      ? "(the file does not exist on this side)"
      : text.length > MAX_SIDE_CHARS
        ? `${text.slice(0, MAX_SIDE_CHARS)}\n… (cut at ${MAX_SIDE_CHARS} characters)`
        : text.trimEnd();
  const sides = [];
  for (const file of step.files_to_modify) {
    const root = ctx.workspace.worktree;
    sides.push({
      file,
      ours: cut(await ctx.deps.workspace.fileAt(root, "HEAD", file)),
      theirs: cut(await ctx.deps.workspace.fileAt(root, dep.sha, file)),
    });
  }
  return { branch: dep.branch, sides };
}
