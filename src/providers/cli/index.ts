import type { ModelProvider, ProcessRunner } from "../../core/ports.js";
import type { ModelSpec } from "../../core/project-config.js";
import { NodeProcessRunner } from "../../process/node-process-runner.js";
import type { CliDialect } from "./cli-dialect.js";
import { CliProvider } from "./cli-provider.js";
import { claudeCli } from "./claude-cli.js";
import { codexCli } from "./codex-cli.js";
import { geminiCli } from "./gemini-cli.js";
import type { LiveProcessLauncher } from "../../core/live-process.js";
import { NodeLiveProcessLauncher } from "../../process/node-live-process.js";
import { claudeSession } from "./session/claude-session.js";
import { codexSession } from "./session/codex-session.js";
import { geminiSession } from "./session/gemini-session.js";
import { SessionCliProvider } from "./session/session-cli-provider.js";
import type { SessionProtocol } from "./session/session-protocol.js";

export { CliProvider, findBinary } from "./cli-provider.js";
export { ARGV_PROMPT_LIMIT } from "./cli-dialect.js";
export type { CliDialect } from "./cli-dialect.js";
export { claudeCli, codexCli, geminiCli };
export { SessionCliProvider } from "./session/session-cli-provider.js";
export { claudeSession, codexSession, geminiSession };

/** The dialect of each CLI provider kind. */
export const CLI_DIALECTS: Readonly<Record<CliDialect["kind"], CliDialect>> = {
  "claude-cli": claudeCli,
  "gemini-cli": geminiCli,
  "codex-cli": codexCli,
};

/** The long-lived mode of each CLI provider kind (docs/PROVIDERS.md, "Sessions"). */
export const CLI_SESSIONS: Readonly<Record<CliDialect["kind"], SessionProtocol>> = {
  "claude-cli": claudeSession,
  "gemini-cli": geminiSession,
  "codex-cli": codexSession,
};

/**
 * Creates the provider for a `claude-cli`, `gemini-cli` or `codex-cli` model: one long-lived
 * session per task and role unless the model sets `session: false`, with one process per call
 * as the fallback.
 */
export function createCliProvider(
  spec: ModelSpec,
  kind: CliDialect["kind"],
  runner: ProcessRunner = new NodeProcessRunner(),
  launcher: LiveProcessLauncher = new NodeLiveProcessLauncher(),
): ModelProvider {
  const perCall = new CliProvider(spec, CLI_DIALECTS[kind], runner);
  if (spec.session === false) return perCall;
  return new SessionCliProvider(spec, CLI_DIALECTS[kind], CLI_SESSIONS[kind], perCall, launcher);
}
