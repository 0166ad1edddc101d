import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, resolve, sep } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { parse } from "yaml";
import { z } from "zod";
import { ModelBehaviorError, UserError } from "../core/errors.js";
import type { TokenUsage } from "../core/events.js";
import type { ModelProvider, ModelRequest, ModelResponse } from "../core/ports.js";
import type { ModelSpec } from "../core/project-config.js";
import { RoleSchema } from "../core/task.js";

const AnswerSchema = z
  .object({
    role: RoleSchema,
    task: z.string().optional(),
    step: z.string().optional(),
    attempt: z.number().int().positive().optional(),
    repair: z.boolean().default(false),
    /** Only this logical model gives the answer (default: any model using the script). */
    model: z.string().optional(),
    text: z.string().default(""),
    files: z.record(z.string(), z.string()).default({}),
    usage: z.object({ input: z.number().int(), output: z.number().int() }).optional(),
    delay_ms: z.number().int().nonnegative().default(0),
    fail: z.string().optional(),
  })
  .strict();
type Answer = z.infer<typeof AnswerSchema>;

export const ScriptSchema = z.object({ answers: z.array(AnswerSchema) }).strict();
export type Script = z.infer<typeof ScriptSchema>;

/** Loads and validates a script file (YAML or JSON). */
export async function loadScript(path: string): Promise<Script> {
  const text = await readFile(path, "utf8");
  const result = ScriptSchema.safeParse(parse(text));
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new UserError(
      `${path}: invalid model script at ${issue?.path.join(".") ?? ""}: ${issue?.message ?? ""}`,
    );
  }
  return result.data;
}

function score(a: Answer, req: ModelRequest, modelName: string): number | undefined {
  if (a.role !== req.role || a.repair !== (req.repair ?? false)) return undefined;
  if (a.model !== undefined && a.model !== modelName) return undefined;
  if (a.task !== undefined && a.task !== req.taskId) return undefined;
  if (a.step !== undefined && a.step !== req.stepId) return undefined;
  const attempt = req.attempt ?? 1;
  if (a.attempt !== undefined && a.attempt !== attempt) return undefined;
  // Prefer the most specific entry: task, then step, then model, then attempt.
  return (a.task ? 1000 : 0) + (a.step ? 100 : 0) + (a.model ? 50 : 0) + (a.attempt ? 10 : 0);
}

/**
 * Picks the answer for a request: the most specific match, and among equally specific ones the
 * last in the file (so appended answers override). A pure function of the request, so a resumed
 * run is replayed alike.
 */
export function pickAnswer(
  script: Script,
  req: ModelRequest,
  modelName: string,
): Answer | undefined {
  let best: Answer | undefined;
  let bestScore = -1;
  for (const a of script.answers) {
    const s = score(a, req, modelName);
    if (s !== undefined && s >= bestScore) {
      best = a;
      bestScore = s;
    }
  }
  return best;
}

async function writeAgentFiles(cwd: string, files: Record<string, string>): Promise<void> {
  const root = resolve(cwd);
  for (const [rel, content] of Object.entries(files)) {
    const target = resolve(root, rel);
    if (!target.startsWith(root + sep))
      throw new ModelBehaviorError(`path outside worktree: ${rel}`);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, content);
  }
}

/**
 * A model that answers from a script file instead of a network: a test double used by the
 * tests, the demo and the benchmarks. In agent mode it writes the answer's `files` into the
 * working directory, as a coding-agent CLI would.
 */
export class ScriptedProvider implements ModelProvider {
  readonly name: string;
  readonly family: string;
  readonly kind = "scripted";
  private script: Promise<Script> | undefined;

  constructor(
    private readonly spec: ModelSpec,
    script?: Script,
  ) {
    this.name = spec.name;
    this.family = spec.family;
    if (script) this.script = Promise.resolve(script);
  }

  async complete(req: ModelRequest): Promise<ModelResponse> {
    const started = performance.now();
    const scriptPath = this.spec.script;
    if (!this.script) {
      if (scriptPath === undefined) throw new UserError(`model ${this.name}: no script file`);
      this.script = loadScript(scriptPath);
    }
    const answer = pickAnswer(await this.script, req, this.name);
    if (!answer) {
      throw new ModelBehaviorError(
        `scripted model ${this.name} has no answer for ${req.role} task=${req.taskId} step=${req.stepId ?? "-"} attempt=${req.attempt ?? 1}${req.repair ? " (repair)" : ""}`,
      );
    }
    if (answer.delay_ms > 0) await sleep(answer.delay_ms, undefined, { signal: req.signal });
    if (answer.fail !== undefined) throw new ModelBehaviorError(answer.fail);
    if (req.mode === "agent") await writeAgentFiles(req.cwd, answer.files);
    const usage: TokenUsage = {
      input: answer.usage?.input ?? Math.ceil((req.system.length + req.prompt.length) / 4),
      output: answer.usage?.output ?? Math.ceil(answer.text.length / 4),
      cacheRead: 0,
      cacheWrite: 0,
    };
    return {
      text: answer.text,
      usage,
      modelId: this.spec.model,
      durationMs: performance.now() - started,
    };
  }
}
