import { z } from "zod";
import { parseJsonAnswer } from "../agents/json-answer.js";
import type { ModelProvider, Store } from "../core/ports.js";
import type { ModelSpec, ModelsConfig } from "../core/project-config.js";
import { RiskSchema } from "../core/task.js";
import { callModel } from "../engine/model-caller.js";
import { TaskRecorder } from "../engine/task-recorder.js";
import { routeByRules } from "../routing/index.js";
import type { Finding } from "./findings.js";
import { describeFinding } from "./findings.js";
import type { Proposal } from "./proposal.js";

/**
 * The event log a proposal's model call is recorded under: not a valid task id (ids start with
 * a letter or digit), so it never mixes with a task's own log.
 */
export const PROPOSE_LOG_ID = "@propose";

/** The answer the planner is asked for; `evidence` are the numbers of the findings it uses. */
const ModelAnswerSchema = z.object({
  tasks: z
    .array(
      z.object({
        id: z.string().min(1),
        goal: z.string().trim().min(1),
        risk: RiskSchema,
        area: z.string().trim().min(1),
        context_files: z.array(z.string().min(1)).default([]),
        constraints: z.array(z.string().trim().min(1)).default([]),
        evidence: z.array(z.number().int().positive()).min(1),
      }),
    )
    .min(1),
});

const SYSTEM = `You turn findings about a software repository into well-formed tasks for an autonomous
coding orchestrator. Answer with ONE JSON object and nothing else:
{"tasks": [{"id": "short-kebab-id", "goal": "what to achieve, concrete and checkable",
  "risk": "low|medium|high", "area": "e.g. core, api, tests, docs",
  "context_files": ["repository-relative paths the task needs"],
  "constraints": ["e.g. ZERO-WARNINGS", "No breaking changes"],
  "evidence": [1, 2]}]}
"evidence" lists the numbers of the findings a task comes from; every task needs at least one.
Group related findings into one task; most pressing first.`;

function renderPrompt(findings: readonly Finding[], limit: number): string {
  const lines = findings.map((f, i) => `${i + 1}. [${f.kind}] ${describeFinding(f)}`);
  return `# Findings\n\n${lines.join("\n")}\n\nPropose at most ${limit} tasks.`;
}

/** What the planner's answer became. */
export type ModelProposals =
  | {
      readonly ok: true;
      readonly proposals: Proposal[];
      readonly model: string;
      readonly costUsd: number;
    }
  | { readonly ok: false; readonly error: string; readonly model?: string };

/** What {@link proposeWithModel} needs: the models, a way to build a provider, the store. */
export interface ModelProposalsOptions {
  readonly models: ModelsConfig;
  readonly providerFor: (spec: ModelSpec) => ModelProvider;
  readonly store: Store;
  readonly repoRoot: string;
  readonly findings: readonly Finding[];
  readonly limit: number;
  readonly signal?: AbortSignal | undefined;
}

/**
 * Asks the planner the routing rules choose (role `planner`) to turn the findings into tasks.
 * The call goes through the engine's model caller, so it is priced and recorded as a
 * `model.call` event (under {@link PROPOSE_LOG_ID}, in a run of its own); the answer is
 * validated, and anything malformed is returned as an error for the caller to fall back on.
 */
export async function proposeWithModel(options: ModelProposalsOptions): Promise<ModelProposals> {
  const { model: spec } = routeByRules(options.models, {
    role: "planner",
    risk: "medium",
    area: "core",
  });
  const run = await options.store.startRun("propose --with-model");
  const recorder = await TaskRecorder.open(options.store, PROPOSE_LOG_ID, run.id);
  let status = "failed";
  try {
    const call = await callModel({ recorder, providerFor: options.providerFor }, spec, {
      role: "planner",
      taskId: PROPOSE_LOG_ID,
      system: SYSTEM,
      prompt: renderPrompt(options.findings, options.limit),
      mode: "text",
      cwd: options.repoRoot,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    if (!call.ok) return { ok: false, error: call.error, model: spec.name };
    const parsed = parseJsonAnswer(call.response.text, ModelAnswerSchema);
    if (!parsed.ok) return { ok: false, error: parsed.error, model: call.spec.name };
    const proposals: Proposal[] = [];
    for (const task of parsed.value.tasks.slice(0, options.limit)) {
      const evidence: string[] = [];
      for (const n of task.evidence) {
        const finding = options.findings[n - 1];
        if (finding === undefined) {
          return {
            ok: false,
            error: `task "${task.id}": evidence ${n} names no finding`,
            model: call.spec.name,
          };
        }
        evidence.push(describeFinding(finding));
      }
      proposals.push({ ...task, evidence });
    }
    status = "done";
    const costUsd = recorder.events.reduce(
      (sum, e) => sum + (e.runId === run.id && e.body.type === "model.call" ? e.body.costUsd : 0),
      0,
    );
    return { ok: true, proposals, model: call.spec.name, costUsd };
  } finally {
    await options.store.finishRun(run.id, status);
  }
}
