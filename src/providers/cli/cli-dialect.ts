import type { TokenUsage } from "../../core/events.js";
import type { ModelRequest, ProcessResult } from "../../core/ports.js";
import type { ModelSpec } from "../../core/project-config.js";
import type { ProviderError } from "../../core/provider-errors.js";

/**
 * Prompts longer than this go to the CLI on stdin instead of argv: Linux caps one argument at
 * 128 KiB (MAX_ARG_STRLEN), and a long argument also shows in `ps`.
 */
export const ARGV_PROMPT_LIMIT = 100 * 1024;

/** How to run the CLI for one request: argv (never a shell string), stdin and extra env. */
export interface CliInvocation {
  readonly args: readonly string[];
  /** Written to stdin; absent means stdin is closed at once. */
  readonly input?: string;
  /** The CLI's own defaults, below the request's env and the model's configured `env`. */
  readonly env: Readonly<Record<string, string>>;
}

/** What a CLI's output says about a successful call. */
export interface CliAnswer {
  readonly text: string;
  readonly usage: TokenUsage;
  /** The CLI's own cost figure, when it reports one. */
  readonly costUsd?: number;
  /** The model that actually answered, when the output names it. */
  readonly modelId?: string;
}

/**
 * What differs between coding-agent CLIs: their flags, their output and their failure
 * signals. {@link CliProvider} does the rest (running, timeouts, errors, costs, checks).
 */
export interface CliDialect {
  /** The provider kind in model_config.yaml. */
  readonly kind: "claude-cli" | "gemini-cli" | "codex-cli";
  /** The binary looked up on PATH when the model sets no `binary`. */
  readonly defaultBinary: string;
  /** The npm package to install, for messages. */
  readonly packageName: string;
  /** Agent-mode permission modes this CLI accepts; the first is the default. */
  readonly permissionModes: readonly string[];
  /** Arguments, stdin and env for one request. */
  invocation(spec: ModelSpec, request: ModelRequest): CliInvocation;
  /**
   * Reads the CLI's output. Returns the answer, or a `ProviderError` when the output is a
   * reported failure (an API error, an auth problem); throws nothing.
   */
  parse(spec: ModelSpec, result: ProcessResult): CliAnswer | ProviderError;
  /** One-line fixes for a failed check (auth setup, trust settings), given the problems. */
  setupFixes(spec: ModelSpec, problems: readonly string[]): readonly string[];
}

/**
 * Joins the orchestrator's system text and prompt for a CLI with no system-prompt flag; the
 * system text goes first, as the stable prefix.
 */
export function promptWithSystem(request: ModelRequest): string {
  return request.system.trim() === ""
    ? request.prompt
    : `${request.system}\n\n---\n\n${request.prompt}`;
}

/** Whether a prompt must go on stdin: too long for argv, or it would read as an option. */
export function needsStdin(prompt: string): boolean {
  return Buffer.byteLength(prompt, "utf8") > ARGV_PROMPT_LIMIT || prompt.startsWith("-");
}
