import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ModelRequest } from "../core/ports.js";
import type { ModelSpec } from "../core/project-config.js";

let counter = 0;

function safe(part: string): string {
  return part.replace(/[^A-Za-z0-9._-]+/g, "_");
}

/**
 * Keeps a model call's raw exchange (a CLI's stdout, an API's response body, or the output of a
 * failed call) in `<runDir>/calls/`, one file per call, and returns the file's path for the
 * `model.call` event. The event log keeps the answer text; the transcript holds the rest (tool
 * calls, usage objects, the vendor's own error output) without growing the database.
 */
export async function saveTranscript(
  runDir: string | undefined,
  spec: ModelSpec,
  request: ModelRequest,
  transcript: string | undefined,
): Promise<string | undefined> {
  if (runDir === undefined || transcript === undefined || transcript === "") return undefined;
  counter += 1;
  const step = request.stepId === undefined ? "" : `-${request.stepId}`;
  const attempt = request.attempt === undefined ? "" : `-a${String(request.attempt)}`;
  const repair = request.repair === true ? "-repair" : "";
  const name = `${String(Date.now())}-${String(counter)}-${request.role}${step}${attempt}${repair}-${spec.name}.txt`;
  const dir = join(runDir, "calls");
  try {
    // Prompts and answers: readable by the owner only.
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const file = join(dir, safe(name));
    await writeFile(file, transcript, { encoding: "utf8", mode: 0o600 });
    return file;
  } catch {
    // A transcript is for reading later; failing to keep one must not fail the call.
    return undefined;
  }
}
