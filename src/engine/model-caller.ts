import type { ModelProvider, ModelRequest, ModelResponse } from "../core/ports.js";
import type { ModelSpec } from "../core/project-config.js";
import type { TaskBudget } from "./task-budget.js";
import type { TaskRecorder } from "./task-recorder.js";

/** A model's answer parsed into data, or the reason it could not be. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/** The outcome of asking a model for one structured answer. */
export type Answer<T> =
  { ok: true; value: T; response: ModelResponse } | { ok: false; error: string };

export interface CallDeps {
  readonly recorder: TaskRecorder;
  readonly providerFor: (spec: ModelSpec) => ModelProvider;
  /** Environment for a model's process (trace context); see {@link ModelRequest.env}. */
  readonly childEnv?: (taskId: string, providerKind: string) => Record<string, string>;
  /** The task's budget, checked before every call; absent when the task has none. */
  readonly budget?: TaskBudget | undefined;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Calls a model once and records the call (prompt, answer, tokens, cost, duration) in the event
 * log, whether it succeeded or failed. A failed call is returned as data, never thrown, except
 * when the run was aborted.
 */
export async function callModel(
  deps: CallDeps,
  spec: ModelSpec,
  request: ModelRequest,
): Promise<{ ok: true; response: ModelResponse } | { ok: false; error: string }> {
  const provider = deps.providerFor(spec);
  // Throws BudgetExceededError before anything is spent; the engine escalates with "budget".
  const reservation = deps.budget?.reserve(spec, request);
  for (const message of reservation?.warnings ?? [])
    await deps.recorder.record({ type: "note", level: "warn", message });
  const started = performance.now();
  let spentUsd = 0;
  const base = {
    type: "model.call" as const,
    role: request.role,
    model: spec.name,
    provider: provider.kind,
    family: spec.family,
    ...(request.stepId === undefined ? {} : { stepId: request.stepId }),
    ...(request.attempt === undefined ? {} : { attempt: request.attempt }),
    prompt: `${request.system}\n\n${request.prompt}`,
  };
  try {
    const env = deps.childEnv?.(request.taskId, provider.kind);
    const response = await provider.complete(env ? { ...request, env } : request);
    spentUsd = response.costUsd ?? 0;
    await deps.recorder.record({
      ...base,
      modelId: response.modelId,
      response: response.text,
      usage: response.usage,
      costUsd: response.costUsd ?? 0,
      durationMs: response.durationMs,
      ok: true,
    });
    return { ok: true, response };
  } catch (error) {
    if (request.signal?.aborted) throw error;
    const message = errorText(error);
    await deps.recorder.record({
      ...base,
      modelId: spec.model,
      response: "",
      usage: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 },
      costUsd: 0,
      durationMs: performance.now() - started,
      ok: false,
      error: message,
    });
    return { ok: false, error: `model ${spec.name} failed: ${message}` };
  } finally {
    for (const message of reservation?.settle(spentUsd) ?? [])
      await deps.recorder.record({ type: "note", level: "warn", message });
  }
}

/**
 * Asks for a structured answer; when it does not parse or validate, sends ONE repair request
 * quoting the validation error. A second failure is returned as a failed attempt.
 */
export async function askForJson<T>(
  deps: CallDeps,
  spec: ModelSpec,
  request: ModelRequest,
  parse: (text: string) => Parsed<T>,
  repair: (previous: string, error: string) => { system: string; prompt: string },
): Promise<Answer<T>> {
  const first = await callModel(deps, spec, request);
  if (!first.ok) return first;
  const parsed = parse(first.response.text);
  if (parsed.ok) return { ok: true, value: parsed.value, response: first.response };
  const again = repair(first.response.text, parsed.error);
  const second = await callModel(deps, spec, { ...request, ...again, repair: true });
  if (!second.ok) return second;
  const reparsed = parse(second.response.text);
  if (reparsed.ok) return { ok: true, value: reparsed.value, response: second.response };
  return {
    ok: false,
    error: `model ${spec.name} answered malformed output twice: ${reparsed.error}`,
  };
}
