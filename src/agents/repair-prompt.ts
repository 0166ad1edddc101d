import type { PromptTemplates, RenderedPrompt } from "./prompt-templates.js";
import { defaultTemplates } from "./prompt-templates.js";
import { fenceFor, withFinalNewline } from "./prompt-views.js";
import { cutAtLine } from "./text-file.js";

/** The kinds of answer a repair can ask for again. */
export type ExpectedAnswer = "plan" | "plan_review" | "code_review" | "edits";

/** A malformed answer and why it was refused. */
export interface RepairInput {
  readonly previousAnswer: string;
  /** The validation error, as returned by the parser (field paths and messages). */
  readonly error: string;
  readonly expected: ExpectedAnswer;
}

/** Longest previous answer quoted back, in characters. */
const MAX_QUOTED_ANSWER = 30_000;

/**
 * Asks a model to fix its malformed answer: quotes the answer and the validation error, and
 * restates the required format of the expected kind of answer.
 */
export function renderRepairPrompt(
  input: RepairInput,
  templates: PromptTemplates = defaultTemplates(),
): RenderedPrompt {
  const quoted = cutAtLine(input.previousAnswer, MAX_QUOTED_ANSWER);
  return templates.render("repair", {
    expected: input.expected,
    error: input.error.trim(),
    previousAnswer: withFinalNewline(quoted),
    answerTruncated: quoted.length < input.previousAnswer.length,
    fence: fenceFor(quoted),
  });
}
