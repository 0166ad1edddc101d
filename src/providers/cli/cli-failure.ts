import type { TokenUsage } from "../../core/events.js";
import type { ProcessResult } from "../../core/ports.js";
import type { ModelSpec } from "../../core/project-config.js";
import { ProviderError, type ProviderErrorKind } from "../../core/provider-errors.js";
import { UsageFormatError } from "../../costs/usage.js";
import { kindOfStatus } from "../http-status.js";

const TEXT_HINTS: readonly (readonly [RegExp, ProviderErrorKind])[] = [
  [
    // Claude Code: "Not logged in · Please run /login"; Codex: "Not logged in", "Not signed
    // in. Please run 'codex login'"; Gemini CLI: "Please set an Auth method ..." (exit 41).
    /\b(401|403)\b|unauthori[sz]ed|authenticat|invalid api key|api key not valid|auth method|not logged in|not signed in|please run \/login|run [`'"]?codex login/i,
    "auth",
  ],
  [/\b429\b|rate.?limit|too many requests|quota|resource_exhausted/i, "rate_limit"],
  [/\b(500|502|503|504|529)\b|overloaded|service unavailable|internal server error/i, "overloaded"],
  [
    /econnrefused|enotfound|econnreset|etimedout|fetch failed|connection refused|network error/i,
    "network",
  ],
];

/** The error kind an error message suggests, when it names a status or a known cause. */
export function kindForText(text: string): ProviderErrorKind | undefined {
  return TEXT_HINTS.find(([pattern]) => pattern.test(text))?.[1];
}

/** The last `max` characters of a text, on one line, for messages. */
export function tail(text: string, max = 300): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `…${flat.slice(flat.length - max)}` : flat;
}

/** Both streams, labelled, for `ProviderError.detail`. */
function detailOf(result: ProcessResult): string {
  return `exit ${String(result.exitCode)}${result.signal ? ` (${result.signal})` : ""}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`;
}

/**
 * Failures that have nothing to do with the CLI's output: the binary is missing or cannot be
 * run, or the call ran out of time and was killed.
 */
export function processFailure(
  spec: ModelSpec,
  binary: string,
  result: ProcessResult,
  options: { packageName: string; timeoutMs: number },
): ProviderError | undefined {
  // The runner reports a spawn failure as exit 127 (ENOENT) or no exit code, with the reason.
  const spawnError = /spawn \S* ?(ENOENT|EACCES)|\b(ENOENT|EACCES)\b/.exec(result.stderr);
  if (spawnError && (result.exitCode === 127 || result.exitCode === null) && !result.timedOut) {
    const why = spawnError[0].includes("EACCES") ? "is not executable" : "was not found";
    return new ProviderError(
      "binary_missing",
      spec.name,
      `the ${spec.provider} binary "${binary}" ${why}; install it with ` +
        `\`npm install -g ${options.packageName}\` or set \`binary:\` to its path in model_config.yaml`,
      { detail: result.stderr, ...(result.exitCode === null ? {} : { status: result.exitCode }) },
    );
  }
  if (result.timedOut) {
    return new ProviderError(
      "timeout",
      spec.name,
      `${binary} was killed after the model's timeout of ${String(Math.round(options.timeoutMs / 1000))}s`,
      { detail: detailOf(result) },
    );
  }
  return undefined;
}

/**
 * A failure whose output has no structured error: a non-zero exit classified by the text it
 * printed, or (exit 0) output that is not the documented shape.
 */
export function unstructuredFailure(
  spec: ModelSpec,
  binary: string,
  result: ProcessResult,
  why: string,
): ProviderError {
  if (result.exitCode !== 0) {
    const text = `${result.stderr}\n${result.stdout}`;
    const kind = kindForText(text) ?? "nonzero_exit";
    const exit =
      result.exitCode === null
        ? `was killed by ${String(result.signal)}`
        : `exited with code ${String(result.exitCode)}`;
    return new ProviderError(kind, spec.name, `${binary} ${exit}: ${tail(text) || "no output"}`, {
      detail: detailOf(result),
      ...(result.exitCode === null ? {} : { status: result.exitCode }),
    });
  }
  return new ProviderError(
    "malformed_output",
    spec.name,
    `${binary} printed output that is not its documented JSON (${why}): ${tail(result.stdout, 200) || "empty stdout"}`,
    { detail: detailOf(result) },
  );
}

/**
 * The usage `read` normalises from the CLI's output or, when that is not the documented shape,
 * the failure that says so.
 */
export function usageOrFailure(
  spec: ModelSpec,
  binary: string,
  result: ProcessResult,
  read: () => TokenUsage,
): TokenUsage | ProviderError {
  try {
    return read();
  } catch (error) {
    if (!(error instanceof UsageFormatError)) throw error;
    return unstructuredFailure(spec, binary, result, error.message);
  }
}

/** A failure the CLI reported in its structured output (an API error it gave up on). */
export function reportedFailure(
  spec: ModelSpec,
  result: ProcessResult,
  message: string,
  options: { status?: number | undefined; fallback?: ProviderErrorKind } = {},
): ProviderError {
  const kind =
    (options.status === undefined ? undefined : kindOfStatus(options.status)) ??
    kindForText(message) ??
    options.fallback ??
    "nonzero_exit";
  return new ProviderError(kind, spec.name, tail(message, 400), {
    detail: detailOf(result),
    ...(options.status === undefined ? {} : { status: options.status }),
  });
}

/** Parses JSON without throwing; `undefined` when it does not parse. */
export function tryJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
