import type { ModelProvider, ProcessRunner } from "../../core/ports.js";
import type { ModelSpec } from "../../core/project-config.js";
import { NodeProcessRunner } from "../../process/node-process-runner.js";
import type { CliDialect } from "./cli-dialect.js";
import { CliProvider } from "./cli-provider.js";
import { claudeCli } from "./claude-cli.js";
import { codexCli } from "./codex-cli.js";
import { geminiCli } from "./gemini-cli.js";

export { CliProvider, findBinary } from "./cli-provider.js";
export { ARGV_PROMPT_LIMIT } from "./cli-dialect.js";
export type { CliDialect } from "./cli-dialect.js";
export { claudeCli, codexCli, geminiCli };

/** The dialect of each CLI provider kind. */
export const CLI_DIALECTS: Readonly<Record<CliDialect["kind"], CliDialect>> = {
  "claude-cli": claudeCli,
  "gemini-cli": geminiCli,
  "codex-cli": codexCli,
};

/** Creates the provider for a `claude-cli`, `gemini-cli` or `codex-cli` model. */
export function createCliProvider(
  spec: ModelSpec,
  kind: CliDialect["kind"],
  runner: ProcessRunner = new NodeProcessRunner(),
): ModelProvider {
  return new CliProvider(spec, CLI_DIALECTS[kind], runner);
}
