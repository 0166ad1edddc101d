import { OrchestratorError } from "./errors.js";

/**
 * Why a model call failed, as far as the orchestrator cares: whether to retry it, fall back to
 * another model, cool the provider down, or tell the user to fix their setup.
 */
export const PROVIDER_ERROR_KINDS = [
  /** Missing or rejected credentials (HTTP 401/403, Gemini CLI exit 41). Not retryable. */
  "auth",
  /** Quota exhausted or rate limited (HTTP 429). Retryable after `retryAfterMs`. */
  "rate_limit",
  /** The vendor is overloaded or failing (HTTP 5xx, Anthropic 529, 408, 409). Retryable. */
  "overloaded",
  /** The call exceeded its timeout; a CLI was killed. Retryable. */
  "timeout",
  /** The request was refused as invalid (HTTP 400/404/422, CLI usage errors). Not retryable. */
  "bad_request",
  /** The vendor or CLI answered with output that does not have its documented shape. */
  "malformed_output",
  /** The CLI binary is not installed or not executable. Not retryable. */
  "binary_missing",
  /** The CLI exited non-zero without a more specific cause. Retryable once. */
  "nonzero_exit",
  /** Could not reach the server (connection refused, DNS, reset). Retryable. */
  "network",
] as const;
export type ProviderErrorKind = (typeof PROVIDER_ERROR_KINDS)[number];

/** A model call failed; adapters throw this (never a bare Error) so the wrapper can classify. */
export class ProviderError extends OrchestratorError {
  readonly kind: ProviderErrorKind;
  /** Logical model name from model_config.yaml. */
  readonly model: string;
  /** The server's `retry-after`, in milliseconds, when it sent one. */
  readonly retryAfterMs: number | undefined;
  /** HTTP status or process exit code, when there was one. */
  readonly status: number | undefined;
  /** Raw output (stderr, response body) kept for the log; may be long. */
  readonly detail: string | undefined;

  constructor(
    kind: ProviderErrorKind,
    model: string,
    message: string,
    options: {
      retryAfterMs?: number;
      status?: number;
      detail?: string;
      cause?: unknown;
    } = {},
  ) {
    super(`${model}: ${kind.replace("_", " ")}: ${message}`, { cause: options.cause });
    this.kind = kind;
    this.model = model;
    this.retryAfterMs = options.retryAfterMs;
    this.status = options.status;
    this.detail = options.detail;
  }
}

/** Result of `ModelProvider.check`, shown by `orchestrator doctor`. */
export interface ProviderCheck {
  /** True when the binary or key is present and (unless offline) a one-token call worked. */
  readonly ok: boolean;
  /** e.g. `claude 2.1.100 at /usr/local/bin/claude`, or `key in ANTHROPIC_API_KEY`. */
  readonly found?: string;
  readonly version?: string;
  /** What is wrong, one line each. */
  readonly problems: readonly string[];
  /** How to fix each problem, one line each (e.g. the Gemini CLI settings file to write). */
  readonly fixes: readonly string[];
}
