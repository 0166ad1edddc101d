import type { Lesson } from "../core/lesson.js";
import { lessonsView } from "./lessons-view.js";
import type { Plan, PlanStep } from "../core/plan.js";
import { DEFAULT_MAX_DIFF_CHARS, truncateDiff } from "./diff-truncation.js";
import type { PromptTemplates, RenderedPrompt } from "./prompt-templates.js";
import { defaultTemplates } from "./prompt-templates.js";
import type { Feedback, TaskBrief } from "./prompt-views.js";
import {
  feedbackView,
  fenceFor,
  planOutline,
  stepView,
  taskView,
  withFinalNewline,
} from "./prompt-views.js";

/** What the code reviewer judges: one step's change. */
export interface CodeReviewerInput {
  /** Lessons recalled from the memory for this call (docs/MEMORY.md). */
  readonly lessons?: readonly Lesson[] | undefined;
  readonly task: TaskBrief;
  readonly plan: Plan;
  readonly step: PlanStep;
  /** The step's unified diff against the last commit. */
  readonly diff: string;
  /** The implementer's own summary of the change. */
  readonly summary?: string | undefined;
  /** Context from earlier attempts of the step: review findings, gate failures. */
  readonly feedback?: readonly Feedback[] | undefined;
  readonly attempt?: number | undefined;
  /**
   * For a step that resolves a merge conflict: the branch merged and each conflicted file on
   * both sides, so the resolution is reviewed against what each side meant.
   */
  readonly merge?:
    | {
        readonly branch: string;
        readonly sides: readonly {
          readonly file: string;
          readonly ours: string;
          readonly theirs: string;
        }[];
      }
    | undefined;
  /** Longest diff shown whole, in characters; longer diffs are cut with a note. */
  readonly maxDiffChars?: number | undefined;
}

/**
 * The code reviewer's prompt: the step, the plan outline, the implementer's summary, earlier
 * findings, and the diff (cut at a line break when very large, naming the files not shown).
 */
export function renderCodeReviewerPrompt(
  input: CodeReviewerInput,
  templates: PromptTemplates = defaultTemplates(),
): RenderedPrompt {
  const diff = truncateDiff(input.diff, input.maxDiffChars ?? DEFAULT_MAX_DIFF_CHARS);
  const summary = input.summary?.trim() ?? "";
  return templates.render("code-reviewer", {
    merge: input.merge ?? null,
    task: taskView(input.task),
    planOutline: planOutline(input.plan, input.step.id),
    step: stepView(input.step),
    summary: summary === "" ? null : summary,
    feedback: feedbackView(input.feedback),
    attempt: input.attempt ?? 1,
    lessons: lessonsView(input.lessons),
    diff: {
      body: withFinalNewline(diff.text),
      empty: input.diff.trim() === "",
      fence: fenceFor(diff.text),
      truncated: diff.truncated,
      shownChars: diff.text.length,
      totalChars: diff.totalChars,
      files: diff.files,
      hiddenFiles: diff.hiddenFiles,
    },
  });
}
