import type { TokenUsage } from "../../core/events.js";
import { ProviderError, type ProviderCheck } from "../../core/provider-errors.js";
import type { ModelRequest, ModelResponse } from "../../core/ports.js";
import type { ModelSpec } from "../../core/project-config.js";
import { normalizeUsage, UsageFormatError, type UsageVendor } from "../../costs/usage.js";
import { costOf } from "../cost.js";
import { messageOf, transportError } from "./http-errors.js";

/** Outside things an API adapter reads, handed in so tests control them. */
export interface SdkDeps {
  /** Where API keys are looked up (default `process.env`); the model's `env:` is laid over it. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Milliseconds for `durationMs` (default `performance.now`). */
  readonly now?: () => number;
}

/** What one vendor call produced, before normalisation. */
export interface RawAnswer {
  readonly text: string;
  /** The vendor's usage object, in its own shape. */
  readonly usage: unknown;
  /** The model as the vendor reports it. */
  readonly modelId: string;
  /** The raw response body, for the run log. */
  readonly transcript: string;
}

/** An API key looked up from the environment. */
export interface KeyLookup {
  /** The variables tried, in order. */
  readonly names: readonly string[];
  /** The first one set (non-empty), if any. */
  readonly found: { readonly name: string; readonly value: string } | undefined;
}

/** Looks up the model's API key: `api_key_env` if set, else the vendor's usual variables. */
export function lookUpKey(
  spec: ModelSpec,
  defaults: readonly string[],
  deps: SdkDeps = {},
): KeyLookup {
  const env: Readonly<Record<string, string | undefined>> = {
    ...(deps.env ?? process.env),
    ...spec.env,
  };
  const names = spec.apiKeyEnv === undefined ? defaults : [spec.apiKeyEnv];
  for (const name of names) {
    const value = env[name];
    if (value !== undefined && value.trim() !== "") return { names, found: { name, value } };
  }
  return { names, found: undefined };
}

/** The error for a missing key, naming the variables looked at. */
export function missingKeyError(spec: ModelSpec, key: KeyLookup): ProviderError {
  return new ProviderError(
    "auth",
    spec.name,
    `no API key: set ${key.names.join(" or ")} (or api_key_env in model_config.yaml)`,
  );
}

/** API providers answer; they cannot edit a worktree. */
function assertTextMode(spec: ModelSpec, request: ModelRequest): void {
  if (request.mode === "text") return;
  throw new ProviderError(
    "bad_request",
    spec.name,
    `provider "${spec.provider}" answers in text mode only and cannot edit files; set ` +
      `routing.implementer_mode: text in model_config.yaml, or route agent-mode implementers ` +
      `to a CLI provider (claude-cli, gemini-cli, codex-cli)`,
  );
}

/**
 * Runs `call` with the model's timeout and the caller's signal, and turns every failure into a
 * {@link ProviderError}: the caller's abort and the timeout first (whatever the SDK made of
 * them), then `classify` (the SDK's own error classes), then connection and parse failures.
 * An abort is reported as a `timeout` whose message says "aborted": the call was cut short, and
 * the caller, who aborted, checks its own signal before deciding anything from the kind.
 */
export async function withDeadline<T>(
  spec: ModelSpec,
  signal: AbortSignal | undefined,
  classify: (error: unknown) => ProviderError | undefined,
  call: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  if (signal?.aborted) {
    throw new ProviderError(
      "timeout",
      spec.name,
      "aborted: the call was cancelled before it began",
      {
        cause: signal.reason,
      },
    );
  }
  const deadline = new AbortController();
  const timer = setTimeout(() => {
    deadline.abort(new Error(`timed out after ${spec.timeoutMs} ms`));
  }, spec.timeoutMs);
  const combined = signal ? AbortSignal.any([signal, deadline.signal]) : deadline.signal;
  try {
    return await call(combined);
  } catch (error) {
    if (signal?.aborted) {
      throw new ProviderError("timeout", spec.name, "aborted: the call was cancelled", {
        cause: error,
      });
    }
    if (deadline.signal.aborted) {
      throw new ProviderError("timeout", spec.name, `no answer within ${spec.timeoutMs} ms`, {
        cause: error,
      });
    }
    if (error instanceof ProviderError) throw error;
    throw (
      classify(error) ??
      transportError(spec.name, error) ??
      new ProviderError("network", spec.name, messageOf(error), { cause: error })
    );
  } finally {
    clearTimeout(timer);
  }
}

/**
 * One text-mode call of an API provider: checks the mode, runs `call` under the deadline, and
 * normalises usage and cost.
 */
export async function completeWith(
  spec: ModelSpec,
  vendor: UsageVendor,
  request: ModelRequest,
  deps: SdkDeps,
  classify: (error: unknown) => ProviderError | undefined,
  call: (signal: AbortSignal) => Promise<RawAnswer>,
): Promise<ModelResponse> {
  assertTextMode(spec, request);
  const now = deps.now ?? (() => performance.now());
  const started = now();
  const raw = await withDeadline(spec, request.signal, classify, call);
  let usage: TokenUsage;
  try {
    usage = normalizeUsage(vendor, raw.usage);
  } catch (error) {
    if (!(error instanceof UsageFormatError)) throw error;
    throw new ProviderError("malformed_output", spec.name, error.message, {
      cause: error,
      detail: raw.transcript,
    });
  }
  return {
    text: raw.text,
    usage,
    costUsd: costOf(usage, spec.price),
    modelId: raw.modelId,
    durationMs: now() - started,
    transcript: raw.transcript,
  };
}

/** Parses a vendor's answer; a shape other than documented is `malformed_output`. */
export function malformed(spec: ModelSpec, what: string, raw: unknown): ProviderError {
  const detail = raw === undefined ? "undefined" : JSON.stringify(raw);
  return new ProviderError("malformed_output", spec.name, `unexpected ${what}`, {
    detail: detail.slice(0, 4000),
  });
}

/** How to fix a failed check call, one line. */
function fixFor(error: ProviderError, spec: ModelSpec, key: KeyLookup | undefined): string {
  const where = spec.baseUrl ?? "the vendor's API";
  switch (error.kind) {
    case "auth":
      return key?.found
        ? `check the key in ${key.found.name}: ${where} rejected it`
        : `set ${key?.names.join(" or ") ?? "an API key"}`;
    case "network":
      return `check that ${where} is reachable (base_url in model_config.yaml)`;
    case "bad_request":
      return `check model "${spec.model}" in model_config.yaml: ${where} refused the request`;
    case "rate_limit":
      return "wait, or raise the account's rate limit or quota";
    default:
      return "try again later; the vendor may be having trouble";
  }
}

/**
 * The `doctor` check shared by API providers: the key (when the vendor needs one) and, unless
 * offline, one tiny call through `ping`.
 */
export async function checkWith(
  spec: ModelSpec,
  options: { offline: boolean; signal?: AbortSignal },
  key: KeyLookup | undefined,
  found: string,
  ping: (signal: AbortSignal) => Promise<unknown>,
  classify: (error: unknown) => ProviderError | undefined,
): Promise<ProviderCheck> {
  if (key !== undefined && key.found === undefined) {
    return {
      ok: false,
      problems: [`no API key: ${key.names.join(" and ")} not set`],
      fixes: [
        `export ${key.names[0] ?? "API_KEY"}=<key> (or name another variable with api_key_env)`,
      ],
    };
  }
  if (options.offline) return { ok: true, found, problems: [], fixes: [] };
  const pingSpec = { ...spec, timeoutMs: Math.min(spec.timeoutMs, 30_000) };
  try {
    await withDeadline(pingSpec, options.signal, classify, ping);
    return { ok: true, found, problems: [], fixes: [] };
  } catch (error) {
    const failure =
      error instanceof ProviderError
        ? error
        : new ProviderError("network", spec.name, messageOf(error), { cause: error });
    return {
      ok: false,
      found,
      problems: [`a one-token call failed: ${failure.message}`],
      fixes: [fixFor(failure, spec, key)],
    };
  }
}
