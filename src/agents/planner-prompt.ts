import type { Lesson } from "../core/lesson.js";
import { lessonsView } from "./lessons-view.js";
import type { Plan } from "../core/plan.js";
import type { ContextBundle } from "./context-files.js";
import type { PolicyDocs } from "./policy-docs.js";
import type { PromptTemplates, RenderedPrompt } from "./prompt-templates.js";
import { defaultTemplates } from "./prompt-templates.js";
import type { TaskBrief } from "./prompt-views.js";
import { filesView, leftOutNotes, taskView } from "./prompt-views.js";

/** A dependency branch as the planner is told about it. */
export interface PlannerDependency {
  readonly taskId: string;
  readonly branch: string;
  readonly sha: string;
  readonly merged: boolean;
  readonly conflicts: readonly string[];
}

/** What the planner is asked to plan from. */
export interface PlannerInput {
  /** Lessons recalled from the memory for this call (docs/MEMORY.md). */
  readonly lessons?: readonly Lesson[] | undefined;
  readonly task: TaskBrief;
  /** The worktree as the planner should picture it. */
  readonly repository: {
    /** `git status --porcelain` text; empty when clean. */
    readonly status: string;
    /** From {@link compactFileTree}. */
    readonly tree: string;
  };
  /** From {@link collectContext} over the task's context files. */
  readonly context: ContextBundle;
  /** From {@link readPolicyDocs}. */
  readonly policies: PolicyDocs;
  /**
   * The dependency branches the task starts from: merged (the branch starts from or merged
   * them) or still to merge in a first step because they conflict on `conflicts`.
   */
  readonly dependencies?: readonly PlannerDependency[] | undefined;
  /** Set when an earlier plan was sent back: by the plan reviewer or by a human. */
  readonly revision?:
    | {
        /** The planning round this answer is for (2 for the first revision). */
        readonly round: number;
        readonly previousPlan?: Plan | undefined;
        /** The reviewer's findings (missing steps, concerns, suggestions) or a human's words. */
        readonly feedback: string;
      }
    | undefined;
}

function revisionView(revision: PlannerInput["revision"]): object | null {
  if (!revision) return null;
  return {
    round: revision.round,
    previousPlan: revision.previousPlan ? JSON.stringify(revision.previousPlan, null, 2) : null,
    feedback: revision.feedback.trim() === "" ? null : revision.feedback.trim(),
  };
}

/** The `plan_version` the planner should write: one more than the plan it revises. */
function nextPlanVersion(revision: PlannerInput["revision"]): number {
  if (!revision) return 1;
  return (revision.previousPlan?.plan_version ?? Math.max(revision.round - 1, 1)) + 1;
}

/**
 * The planner's prompt: the task with its constraints labelled, the repository's status and
 * file tree, the context files and policy documents (with notes on what was left out), and on a
 * revision the previous plan with the findings to address.
 */
export function renderPlannerPrompt(
  input: PlannerInput,
  templates: PromptTemplates = defaultTemplates(),
): RenderedPrompt {
  return templates.render("planner", {
    dependencies: (input.dependencies ?? []).map((d) => ({ ...d, sha: d.sha.slice(0, 12) })),
    task: taskView(input.task),
    // Only the end is trimmed: porcelain status lines begin with a meaningful space.
    repository: { status: input.repository.status.trimEnd(), tree: input.repository.tree.trim() },
    contextFiles: filesView(input.context.files),
    contextNotes: leftOutNotes(input.context),
    policies: filesView(input.policies.docs),
    policyNotes: leftOutNotes({ skipped: input.policies.skipped }),
    revision: revisionView(input.revision),
    planVersion: nextPlanVersion(input.revision),
    lessons: lessonsView(input.lessons),
  });
}
