import type { Lesson } from "../core/lesson.js";
import { lessonsView } from "./lessons-view.js";
import type { Plan, PlanStep } from "../core/plan.js";
import type { ContextBundle } from "./context-files.js";
import type { PromptTemplates, RenderedPrompt } from "./prompt-templates.js";
import { defaultTemplates } from "./prompt-templates.js";
import type { Feedback, TaskBrief } from "./prompt-views.js";
import {
  feedbackView,
  filesView,
  leftOutNotes,
  planOutline,
  stepView,
  taskView,
} from "./prompt-views.js";

/** What the implementer works from for one attempt at one step. */
export interface ImplementerInput {
  /** Lessons recalled from the memory for this call (docs/MEMORY.md). */
  readonly lessons?: readonly Lesson[] | undefined;
  readonly task: TaskBrief;
  readonly plan: Plan;
  readonly step: PlanStep;
  /**
   * `text`: the model answers with edit blocks that the orchestrator applies; `agent`: the model
   * edits the files in its working directory itself.
   */
  readonly mode: "text" | "agent";
  /** The step's files as they are now, from {@link collectContext} over {@link stepContextPaths}. */
  readonly files: ContextBundle;
  /** Findings from earlier attempts: review, gate, edits that did not apply, a human. */
  readonly feedback?: readonly Feedback[] | undefined;
  /** 1 for the first attempt. */
  readonly attempt?: number | undefined;
}

/**
 * The files an implementer needs to see for a step, most relevant first: those it will modify,
 * those it will create (they exist on a retry, holding the previous attempt), those to read.
 */
export function stepContextPaths(step: PlanStep): string[] {
  return [...new Set([...step.files_to_modify, ...step.files_to_create, ...step.files_to_read])];
}

/**
 * The implementer's prompt for one step: the task, the whole plan as an outline with the step
 * marked, the step in detail, the current contents of its files and the feedback to address.
 * Text mode documents the edit-block answer format; agent mode asks for edits in place and a
 * short summary.
 */
export function renderImplementerPrompt(
  input: ImplementerInput,
  templates: PromptTemplates = defaultTemplates(),
): RenderedPrompt {
  const toCreate = new Set(input.step.files_to_create);
  // A file the step creates is expected to be missing on the first attempt: no note for it.
  const missing = input.files.missing.filter((p) => !toCreate.has(p));
  return templates.render(input.mode === "text" ? "implementer-text" : "implementer-agent", {
    task: taskView(input.task),
    planOutline: planOutline(input.plan, input.step.id),
    step: stepView(input.step),
    files: filesView(input.files.files),
    fileNotes: leftOutNotes({ ...input.files, missing }),
    feedback: feedbackView(input.feedback),
    attempt: input.attempt ?? 1,
    lessons: lessonsView(input.lessons),
  });
}
