import type { AvailableModels } from "../config/index.js";
import { familiesOf } from "../config/index.js";
import { findBinary } from "../providers/cli/index.js";

/** What `orchestrator init` found on this machine, for the starter model_config.yaml. */
export interface Detection {
  readonly available: AvailableModels;
  /** What was found, one line each (`claude-cli: /usr/local/bin/claude`). */
  readonly found: readonly string[];
  /** What was looked for and not found. */
  readonly missing: readonly string[];
  /** Model families the starter configuration has. */
  readonly families: readonly string[];
}

export interface DetectOptions {
  /** Whether an Ollama server answers at `baseUrl`; default: a GET with a short timeout. */
  readonly probeOllama?: (baseUrl: string) => Promise<boolean>;
}

const OLLAMA_PROBE_MS = 500;

/** `OLLAMA_HOST` as Ollama reads it (`host:port` or a URL), else the default local server. */
export function ollamaBaseUrl(env: NodeJS.ProcessEnv): string {
  const host = env.OLLAMA_HOST?.trim() ?? "";
  if (host === "") return "http://127.0.0.1:11434";
  return /^https?:\/\//.test(host) ? host.replace(/\/+$/, "") : `http://${host}`;
}

async function ollamaAnswers(baseUrl: string): Promise<boolean> {
  try {
    const response = await fetch(`${baseUrl}/api/version`, {
      signal: AbortSignal.timeout(OLLAMA_PROBE_MS),
    });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

const isSet = (env: NodeJS.ProcessEnv, name: string): boolean => (env[name] ?? "").trim() !== "";

/**
 * Looks for the model CLIs on PATH (`claude`, `gemini`, `codex`), the API keys in the
 * environment and a local Ollama server. A CLI is preferred over a key of the same family.
 */
export async function detectModels(
  env: NodeJS.ProcessEnv,
  options: DetectOptions = {},
): Promise<Detection> {
  const path = env.PATH ?? "";
  const found: string[] = [];
  const missing: string[] = [];
  const cli = async (binary: string, kind: string): Promise<boolean> => {
    const at = await findBinary(binary, path);
    if (at === undefined) missing.push(`${binary} (${kind}) on PATH`);
    else found.push(`${kind}: ${at}`);
    return at !== undefined;
  };
  const key = (...names: string[]): boolean => {
    const name = names.find((n) => isSet(env, n));
    if (name === undefined) missing.push(names.join(" / "));
    else found.push(`API key in ${name}`);
    return name !== undefined;
  };
  const [claude, gemini, codex] = [
    await cli("claude", "claude-cli"),
    await cli("gemini", "gemini-cli"),
    await cli("codex", "codex-cli"),
  ];
  const anthropicKey = key("ANTHROPIC_API_KEY");
  const googleKey = key("GEMINI_API_KEY", "GOOGLE_API_KEY");
  const openaiKey = key("OPENAI_API_KEY");
  const baseUrl = ollamaBaseUrl(env);
  const ollama = await (options.probeOllama ?? ollamaAnswers)(baseUrl);
  if (ollama) found.push(`ollama: ${baseUrl}`);
  else missing.push(`Ollama at ${baseUrl}`);
  const available: AvailableModels = {
    ...(claude ? { anthropic: "claude-cli" } : anthropicKey ? { anthropic: "anthropic" } : {}),
    ...(gemini ? { google: "gemini-cli" } : googleKey ? { google: "gemini" } : {}),
    ...(codex ? { openai: "codex-cli" } : openaiKey ? { openai: "openai-compatible" } : {}),
    ...(ollama ? { ollama: true, ollamaUrl: baseUrl } : {}),
  };
  return { available, found, missing, families: familiesOf(available) };
}
