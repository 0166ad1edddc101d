/** Trailer naming the task a commit belongs to. */
export const TASK_TRAILER = "Orchestrator-Task";
/** Trailer naming the plan step a commit completes; how a resumed run finds committed steps. */
export const STEP_TRAILER = "Orchestrator-Step";

/** What a step commit says. */
export interface StepCommitMessage {
  readonly taskId: string;
  readonly stepId: string;
  /** The first line, used as given, e.g. `feat(TASK-1): S2 implement X`. */
  readonly subject: string;
  readonly body?: string;
  /** Extra trailers such as `Implemented-By`, `Reviewed-By`, `Quality-Gate`, in this order. */
  readonly trailers: Readonly<Record<string, string>>;
}

const RESERVED_KEYS = new Set([TASK_TRAILER.toLowerCase(), STEP_TRAILER.toLowerCase()]);

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/** Trailer keys are tokens (`Reviewed-By`); anything else would not be read back as a trailer. */
function trailerKey(key: string): string {
  return key
    .trim()
    .replace(/[^A-Za-z0-9-]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

/**
 * Builds the commit message: subject, optional body, then one trailer block that starts with
 * `Orchestrator-Task` and `Orchestrator-Step`. Values are folded onto one line; keys that would
 * not parse as trailer keys are normalised; trailers with empty values are left out; given
 * trailers cannot override the two orchestrator ones.
 */
export function buildCommitMessage(message: StepCommitMessage): string {
  const subject = oneLine(message.subject) || `chore(${message.taskId}): ${message.stepId}`;
  const lines = [
    `${TASK_TRAILER}: ${oneLine(message.taskId)}`,
    `${STEP_TRAILER}: ${oneLine(message.stepId)}`,
  ];
  for (const [rawKey, rawValue] of Object.entries(message.trailers)) {
    const key = trailerKey(rawKey);
    const value = oneLine(rawValue);
    if (key === "" || value === "" || RESERVED_KEYS.has(key.toLowerCase())) continue;
    lines.push(`${key}: ${value}`);
  }
  const body = message.body?.trim() ?? "";
  const paragraphs = body === "" ? [subject, lines.join("\n")] : [subject, body, lines.join("\n")];
  return `${paragraphs.join("\n\n")}\n`;
}
