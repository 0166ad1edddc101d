import type { ChildTracker, ModelProvider, ModelRequest, ModelResponse } from "../core/ports.js";
import type { ModelSpec, ModelsConfig } from "../core/project-config.js";
import type { ProviderError, ProviderErrorKind } from "../core/provider-errors.js";
import type { Role } from "../core/task.js";
import type {
  Alternatives,
  AttemptResult,
  ModelResilience,
  ResilienceEvent,
} from "../providers/resilience/index.js";
import { costOfCall } from "../costs/index.js";
import { classifyError, sameTierAlternatives } from "../providers/resilience/index.js";
import type { RouteRequest } from "../routing/index.js";
import { canBeReviewed } from "../routing/cross-review.js";
import type { TaskBudget } from "./task-budget.js";
import type { TaskRecorder } from "./task-recorder.js";
import { saveTranscript } from "./transcripts.js";
import { startHeartbeat } from "./heartbeat.js";

/** A model's answer parsed into data, or the reason it could not be. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/**
 * A failed call or answer. `kind` is set when the provider failed (after its retries and any
 * fallback): the caller escalates with `model_error` instead of trying again.
 */
export interface CallFailure {
  readonly ok: false;
  readonly error: string;
  readonly kind?: ProviderErrorKind;
}

/** A model's answer and the model that actually gave it (after a fallback, not the one asked). */
export interface CallSuccess {
  readonly ok: true;
  readonly response: ModelResponse;
  readonly spec: ModelSpec;
}

/** The outcome of asking a model for one structured answer. */
export type Answer<T> =
  { ok: true; value: T; response: ModelResponse; spec: ModelSpec } | CallFailure;

/** Retries, fallback and cooldowns shared by every call of the process. */
export interface CallResilience {
  readonly guard: ModelResilience;
  /** The configured models and routing, to find stand-ins that keep cross-review. */
  readonly models: ModelsConfig;
}

export interface CallDeps {
  readonly recorder: TaskRecorder;
  readonly providerFor: (spec: ModelSpec) => ModelProvider;
  /** Environment for a model's process (trace context); see {@link ModelRequest.env}. */
  readonly childEnv?: (taskId: string, providerKind: string) => Record<string, string>;
  /** The task's budget, checked before every call; absent when the task has none. */
  readonly budget?: TaskBudget | undefined;
  /** Absent: a failed call is tried once and not replaced. */
  readonly resilience?: CallResilience | undefined;
  /** The task's folder of this run; raw transcripts of model calls are kept in `calls/`. */
  readonly runDir?: string | undefined;
  /** Registers the processes of a model that runs as one (docs/RESUME.md); default none. */
  readonly trackChildren?: ((request: ModelRequest) => ChildTracker) | undefined;
  /** How often a running call records a `model.heartbeat` (default 15 s; 0: never). */
  readonly heartbeatMs?: number | undefined;
}

/**
 * What the call is for besides its role — risk, area, step type and, for a reviewer, the
 * author's family — so that a stand-in model still satisfies the cross-review rule. Without
 * it a failing model is retried but never replaced.
 */
export type CallSituation = Omit<RouteRequest, "role">;

const REVIEWER_ROLES: ReadonlySet<Role> = new Set(["plan_reviewer", "code_reviewer"]);

/**
 * The models that may replace `spec` for this call: same tier and, with cross-review on, for a
 * reviewer a family other than the author's, for an author one that a configured reviewer of
 * another family can still review.
 */
export function fallbackModels(
  models: ModelsConfig,
  spec: ModelSpec,
  role: Role,
  situation: CallSituation | undefined,
): Alternatives {
  if (situation === undefined) return { models: [], none: "the call allows no fallback" };
  const allowed = (m: ModelSpec): boolean => {
    if (!models.routing.crossReview) return true;
    if (REVIEWER_ROLES.has(role)) {
      return situation.authorFamily === undefined || m.family !== situation.authorFamily;
    }
    return canBeReviewed(models, { ...situation, role }, m);
  };
  return sameTierAlternatives(models.models.values(), spec, allowed);
}

/** One try of one model, recorded as a `model.call` event whether it answered or failed. */
async function attemptOnce(
  deps: CallDeps,
  spec: ModelSpec,
  request: ModelRequest,
): Promise<AttemptResult<ModelResponse>> {
  // Throws BudgetExceededError before anything is spent; the engine escalates with "budget".
  const reservation = await deps.budget?.reserve(spec, request);
  for (const message of reservation?.warnings ?? [])
    await deps.recorder.record({ type: "note", level: "warn", message });
  const started = performance.now();
  let spentUsd = 0;
  const settlement = { done: false };
  // Settled before the call is recorded, unsynced: the synced `model.call` makes both durable.
  const settle = async (usd: number): Promise<void> => {
    settlement.done = true;
    await reservation?.settle(usd, { sync: false });
  };
  let providerKind: string = spec.provider;
  const base = {
    type: "model.call" as const,
    role: request.role,
    model: spec.name,
    family: spec.family,
    ...(request.stepId === undefined ? {} : { stepId: request.stepId }),
    ...(request.attempt === undefined ? {} : { attempt: request.attempt }),
    prompt: `${request.system}\n\n${request.prompt}`,
  };
  try {
    const provider = deps.providerFor(spec);
    providerKind = provider.kind;
    const env = deps.childEnv?.(request.taskId, provider.kind);
    const track = deps.trackChildren?.(request);
    const stopHeartbeat = startHeartbeat(deps.recorder, spec, request, deps.heartbeatMs);
    let response: ModelResponse;
    try {
      response = await provider.complete({
        ...request,
        ...(env ? { env } : {}),
        ...(track ? { track } : {}),
      });
    } finally {
      await stopHeartbeat();
    }
    const cost = costOfCall(response.usage, spec.price, response.costUsd);
    spentUsd = cost.usd;
    const transcript = await saveTranscript(deps.runDir, spec, request, response.transcript);
    await settle(spentUsd);
    await deps.recorder.record({
      ...base,
      provider: provider.kind,
      modelId: response.modelId,
      response: response.text,
      usage: response.usage,
      costUsd: cost.usd,
      costSource: cost.source,
      durationMs: response.durationMs,
      ok: true,
      ...(transcript === undefined ? {} : { transcript }),
    });
    return { ok: true, value: response };
  } catch (thrown) {
    if (request.signal?.aborted) throw thrown;
    const error = classifyError(thrown, spec.name);
    const transcript = await saveTranscript(deps.runDir, spec, request, error.detail);
    await settle(0);
    await deps.recorder.record({
      ...base,
      ...(transcript === undefined ? {} : { transcript }),
      provider: providerKind,
      modelId: spec.model,
      response: "",
      usage: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 },
      costUsd: 0,
      durationMs: performance.now() - started,
      ok: false,
      error: error.message,
      errorKind: error.kind,
    });
    return { ok: false, error };
  } finally {
    if (!settlement.done) await reservation?.settle(spentUsd);
  }
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** Records what the resilience layer did: retries and cooldowns as notes, a fallback as routing. */
async function recordResilience(
  deps: CallDeps,
  request: ModelRequest,
  event: ResilienceEvent,
): Promise<void> {
  const step = request.stepId === undefined ? {} : { stepId: request.stepId };
  switch (event.type) {
    case "retry":
      await deps.recorder.record({
        type: "note",
        level: "info",
        message: `${request.role} ${event.error.message}; retry ${event.retry} of ${event.of} in ${seconds(event.delayMs)}`,
      });
      return;
    case "cooldown":
      await deps.recorder.record({
        type: "note",
        level: "warn",
        message:
          `model ${event.model.name} cooled down until ` +
          `${new Date(event.cooling.until).toISOString()} after ${event.cooling.failures} ` +
          `failed call(s) in a row (last: ${event.cooling.error.message}); fallback skips it until then`,
      });
      return;
    case "fallback":
      await deps.recorder.record({
        type: "routing.decision",
        role: request.role,
        model: event.to.name,
        ...step,
        reason:
          `${request.role}=${event.to.name} (fallback from ${event.from.name}: ${event.reason}; ` +
          `same tier ${event.to.tier}, family ${event.to.family})`,
      });
      return;
  }
}

function failure(error: ProviderError, message: string): CallFailure {
  return { ok: false, error: message, kind: error.kind };
}

/**
 * Calls a model and records every try (prompt, answer, tokens, cost, duration, error kind) in
 * the event log. Failures go through the resilience layer: retried with backoff, then handed
 * to another model of the same tier that keeps the cross-review rule (recorded as a routing
 * decision). A failure is returned as data, never thrown, except when the run was aborted or
 * the budget refuses the call.
 */
export async function callModel(
  deps: CallDeps,
  spec: ModelSpec,
  request: ModelRequest,
  situation?: CallSituation,
): Promise<CallSuccess | CallFailure> {
  const resilience = deps.resilience;
  if (resilience === undefined) {
    const once = await attemptOnce(deps, spec, request);
    if (once.ok) return { ok: true, response: once.value, spec };
    return failure(once.error, `model ${spec.name} failed: ${once.error.message}`);
  }
  const outcome = await resilience.guard.run({
    primary: spec,
    alternatives: fallbackModels(resilience.models, spec, request.role, situation),
    attempt: (model) => attemptOnce(deps, model, request),
    notify: (event) => recordResilience(deps, request, event),
    ...(request.signal === undefined ? {} : { signal: request.signal }),
  });
  if (outcome.ok) return { ok: true, response: outcome.value, spec: outcome.model };
  return failure(outcome.error, outcome.message);
}

/**
 * Why an answer's text cannot be trusted as text, or undefined when it can. Bytes that are not
 * valid UTF-8 are decoded (by us or by the CLI that printed them) as U+FFFD replacement
 * characters; applied or committed, they would corrupt files. Such an answer is malformed: the
 * model is asked to repair it, as for invalid JSON.
 */
export function invalidTextError(text: string): string | undefined {
  const first = text.indexOf("\uFFFD");
  if (first < 0) return undefined;
  const count = text.split("\uFFFD").length - 1;
  const line = text.slice(0, first).split("\n").length;
  return (
    `the answer is not valid UTF-8: it holds ${String(count)} replacement character(s) ` +
    `(U+FFFD, bytes that could not be decoded), the first on line ${String(line)}; ` +
    `answer again in valid UTF-8, without U+FFFD`
  );
}

/**
 * Asks for a structured answer; when it does not parse or validate, sends ONE repair request
 * (to the model that answered) quoting the validation error. A second failure is returned as a
 * failed attempt.
 */
export async function askForJson<T>(
  deps: CallDeps,
  spec: ModelSpec,
  request: ModelRequest,
  parse: (text: string) => Parsed<T>,
  repair: (previous: string, error: string) => { system: string; prompt: string },
  situation?: CallSituation,
): Promise<Answer<T>> {
  const first = await callModel(deps, spec, request, situation);
  if (!first.ok) return first;
  const parsed = checkedParse(first.response.text, parse);
  if (parsed.ok) {
    return { ok: true, value: parsed.value, response: first.response, spec: first.spec };
  }
  const again = repair(first.response.text, parsed.error);
  const second = await callModel(
    deps,
    first.spec,
    { ...request, ...again, repair: true },
    situation,
  );
  if (!second.ok) return second;
  const reparsed = checkedParse(second.response.text, parse);
  if (reparsed.ok) {
    return { ok: true, value: reparsed.value, response: second.response, spec: second.spec };
  }
  return {
    ok: false,
    error: `model ${second.spec.name} answered malformed output twice: ${reparsed.error}`,
  };
}

/** Parses an answer that is valid text; text that is not is malformed like invalid JSON. */
function checkedParse<T>(text: string, parse: (text: string) => Parsed<T>): Parsed<T> {
  const invalid = invalidTextError(text);
  return invalid === undefined ? parse(text) : { ok: false, error: invalid };
}
