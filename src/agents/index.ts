/**
 * The four roles' pure-ish parts: prompts rendered from `templates/`, context gathering, answer
 * parsing into data, and the text-mode edit format with its all-or-nothing applier.
 */
export type { ApplyResult } from "./apply-edits.js";
export { applyEdits } from "./apply-edits.js";
export type { CodeReviewerInput } from "./code-reviewer-prompt.js";
export { renderCodeReviewerPrompt } from "./code-reviewer-prompt.js";
export type {
  CollectContextOptions,
  ContextBundle,
  ContextFile,
  SkippedFile,
} from "./context-files.js";
export { CHARS_PER_TOKEN, collectContext } from "./context-files.js";
export type { TruncatedDiff } from "./diff-truncation.js";
export { DEFAULT_MAX_DIFF_CHARS, diffFiles, truncateDiff } from "./diff-truncation.js";
export type { EditAnswerResult } from "./edit-answer.js";
export { applyEditAnswer } from "./edit-answer.js";
export type { Edit, ParsedEdits } from "./edit-format.js";
export { parseEdits } from "./edit-format.js";
export { compactFileTree, gitignoreToGlobs } from "./file-tree.js";
export type { ImplementerInput } from "./implementer-prompt.js";
export { renderImplementerPrompt, stepContextPaths } from "./implementer-prompt.js";
export type { Parsed } from "./json-answer.js";
export { extractJsonObject, formatIssues, parseJsonAnswer } from "./json-answer.js";
export type { PlanReviewerInput } from "./plan-reviewer-prompt.js";
export { renderPlanReviewerPrompt } from "./plan-reviewer-prompt.js";
export type { PlannerInput } from "./planner-prompt.js";
export { renderPlannerPrompt } from "./planner-prompt.js";
export type { PolicyDocs } from "./policy-docs.js";
export { DEFAULT_MAX_POLICY_CHARS, readPolicyDocs } from "./policy-docs.js";
export type { RenderedPrompt, TemplateName } from "./prompt-templates.js";
export {
  PROMPT_SPLIT_MARKER,
  PromptTemplates,
  defaultTemplates,
  defaultTemplatesDir,
} from "./prompt-templates.js";
export type {
  ConstraintView,
  Feedback,
  FeedbackSource,
  GateCapabilities,
  TaskBrief,
} from "./prompt-views.js";
export { describeConstraints, gateCapabilities } from "./prompt-views.js";
export type { ExpectedAnswer, RepairInput } from "./repair-prompt.js";
export { renderRepairPrompt } from "./repair-prompt.js";
export { parseCodeReviewAnswer, parsePlanAnswer, parsePlanReviewAnswer } from "./role-answers.js";
