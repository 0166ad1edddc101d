import type { TaskEventType, TaskState } from "../core/state-machine.js";

/**
 * Attribute names: the seed's own (`task.*`, `step.*`, `llm.*`, `result.*`), the OpenTelemetry
 * GenAI conventions (`gen_ai.*`, status Development, so spelled out here rather than imported
 * from the incubating entry point) and ours (`orchestrator.*`).
 */
export const ATTR = {
  taskId: "task.id",
  taskArea: "task.area",
  taskRisk: "task.risk",
  stepId: "step.id",
  stepType: "step.type",
  llmProvider: "llm.provider",
  llmModelName: "llm.model_name",
  llmRole: "llm.role",
  llmPromptTokens: "llm.prompt_tokens",
  llmCompletionTokens: "llm.completion_tokens",
  resultStatus: "result.status",
  resultAttempt: "result.attempt",
  genAiOperation: "gen_ai.operation.name",
  genAiProvider: "gen_ai.provider.name",
  genAiRequestModel: "gen_ai.request.model",
  genAiResponseModel: "gen_ai.response.model",
  genAiInputTokens: "gen_ai.usage.input_tokens",
  genAiOutputTokens: "gen_ai.usage.output_tokens",
  genAiCacheRead: "gen_ai.usage.cache_read.input_tokens",
  genAiCacheCreation: "gen_ai.usage.cache_creation.input_tokens",
  genAiInputMessages: "gen_ai.input.messages",
  genAiOutputMessages: "gen_ai.output.messages",
  genAiTokenType: "gen_ai.token.type",
  errorType: "error.type",
  costUsd: "orchestrator.cost_usd",
  model: "orchestrator.model",
  runId: "orchestrator.run_id",
  command: "orchestrator.command",
  taskState: "orchestrator.task.state",
  planRound: "orchestrator.plan.round",
  gateLevel: "orchestrator.quality_gate.level",
  checkName: "orchestrator.quality_gate.check",
  implementer: "orchestrator.implementer",
  commit: "orchestrator.commit",
  branch: "orchestrator.branch",
} as const;

/** The seed's `result.status` values (plus `aborted`, `skipped` and `interrupted`). */
export type Outcome =
  "success" | "retry" | "fail" | "human_required" | "aborted" | "skipped" | "interrupted";

/** How leaving a state by this event went. */
export function outcomeOf(event: TaskEventType): Outcome {
  switch (event) {
    case "PLAN_REVISION_REQUESTED":
    case "CHANGES_REQUESTED":
    case "GATE_FAILED":
      return "retry";
    case "ESCALATE":
      return "human_required";
    case "FAIL":
      return "fail";
    case "ABORT":
      return "aborted";
    default:
      return "success";
  }
}

/** How a task that reached this state ended, or undefined while it is still going. */
export function taskOutcome(state: TaskState): Outcome | undefined {
  switch (state) {
    case "DONE":
      return "success";
    case "FAILED":
      return "fail";
    case "ABORTED":
      return "aborted";
    case "AWAITING_HUMAN_REVIEW":
      return "human_required";
    default:
      return undefined;
  }
}

/** The pipeline stage a state belongs to: the `type` of `orchestrator_steps_total`. */
export type Stage = "plan" | "plan_review" | "implement" | "code_review" | "quality_gate";

export function stageOf(state: TaskState): Stage | undefined {
  switch (state) {
    case "PLANNING":
      return "plan";
    case "PLAN_REVIEW":
      return "plan_review";
    case "IMPLEMENTING":
      return "implement";
    case "CODE_REVIEW":
      return "code_review";
    case "QUALITY_GATE":
      return "quality_gate";
    default:
      return undefined;
  }
}

const PROVIDER_BY_KIND: Readonly<Record<string, string>> = {
  "claude-cli": "anthropic",
  anthropic: "anthropic",
  "gemini-cli": "gcp.gemini",
  gemini: "gcp.gemini",
  "codex-cli": "openai",
  ollama: "ollama",
};

const PROVIDER_BY_FAMILY: Readonly<Record<string, string>> = {
  anthropic: "anthropic",
  claude: "anthropic",
  google: "gcp.gemini",
  gemini: "gcp.gemini",
  openai: "openai",
  gpt: "openai",
  mistral: "mistral_ai",
  deepseek: "deepseek",
  xai: "x_ai",
  grok: "x_ai",
  meta: "meta",
  llama: "meta",
  qwen: "qwen",
};

/**
 * `gen_ai.provider.name` for a call: from the provider kind when it names a vendor, else
 * (OpenAI-compatible servers, scripted models) from the model family, else the family itself.
 */
export function genAiProviderName(kind: string, family: string): string {
  const byKind = PROVIDER_BY_KIND[kind];
  if (byKind !== undefined) return byKind;
  const f = family.toLowerCase();
  return PROVIDER_BY_FAMILY[f] ?? (f === "" ? kind : f);
}
