import { applyEdits } from "./apply-edits.js";
import { parseEdits } from "./edit-format.js";

/** The outcome of a text-mode implementer answer: what changed, or why nothing did. */
export type EditAnswerResult =
  { ok: true; files: string[]; summary: string } | { ok: false; error: string };

/**
 * Parses a text-mode answer and applies its edits all-or-nothing below `root`. A malformed
 * answer or an edit that does not apply is returned as an error for the model (nothing written).
 */
export async function applyEditAnswer(root: string, text: string): Promise<EditAnswerResult> {
  const parsed = parseEdits(text);
  if (!parsed.ok)
    return { ok: false, error: `the answer's edit blocks are malformed: ${parsed.error}` };
  const applied = await applyEdits(root, parsed.edits);
  if (!applied.ok) {
    const count = applied.errors.length;
    return {
      ok: false,
      error: `${count === 1 ? "1 edit" : `${count} edits`} could not be applied, so none was:\n${applied.errors.map((e) => `- ${e}`).join("\n")}`,
    };
  }
  return { ok: true, files: applied.files, summary: parsed.summary };
}
