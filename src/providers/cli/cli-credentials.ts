import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import type { CliDialect } from "./cli-dialect.js";

/** Where a CLI's credentials were found, or that none were. */
export type CredentialsFound = { readonly found: string } | { readonly missing: string };

type Env = Readonly<Record<string, string | undefined>>;

const set = (env: Env, name: string): boolean => (env[name] ?? "").trim() !== "";

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch {
    return undefined;
  }
}

async function readJson(path: string): Promise<unknown> {
  const text = await readText(path);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function home(env: Env): string {
  return env.HOME !== undefined && env.HOME !== "" ? env.HOME : homedir();
}

/** The first of `names` that is set, as "key in NAME". */
function keyVar(env: Env, names: readonly string[]): CredentialsFound | undefined {
  const name = names.find((n) => set(env, n));
  return name === undefined ? undefined : { found: `key in ${name}` };
}

/**
 * Claude Code: an API key or token variable, a cloud provider switch, `apiKeyHelper` in its
 * settings, or the login it saves in `~/.claude/.credentials.json` (`CLAUDE_CONFIG_DIR`
 * honoured; on macOS the login is in the keychain and `~/.claude.json` records the account).
 */
async function claudeCredentials(env: Env): Promise<CredentialsFound> {
  const key = keyVar(env, ["ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "CLAUDE_CODE_OAUTH_TOKEN"]);
  if (key) return key;
  for (const cloud of [
    "CLAUDE_CODE_USE_BEDROCK",
    "CLAUDE_CODE_USE_VERTEX",
    "CLAUDE_CODE_USE_FOUNDRY",
  ]) {
    if (set(env, cloud) && env[cloud] !== "0") return { found: `${cloud} set` };
  }
  const dir = set(env, "CLAUDE_CONFIG_DIR")
    ? (env.CLAUDE_CONFIG_DIR ?? "")
    : join(home(env), ".claude");
  const login = join(dir, ".credentials.json");
  const creds = z
    .looseObject({ claudeAiOauth: z.looseObject({}) })
    .safeParse(await readJson(login));
  if (creds.success) return { found: `login in ${login}` };
  const settings = z
    .looseObject({ apiKeyHelper: z.string().min(1) })
    .safeParse(await readJson(join(dir, "settings.json")));
  if (settings.success) return { found: `apiKeyHelper in ${join(dir, "settings.json")}` };
  const account = join(home(env), ".claude.json");
  const state = z
    .looseObject({ oauthAccount: z.looseObject({}) })
    .safeParse(await readJson(account));
  if (state.success) return { found: `login recorded in ${account}` };
  return { missing: `no ANTHROPIC_API_KEY and no Claude Code login (${login})` };
}

const GeminiSettings = z.looseObject({
  security: z.looseObject({ auth: z.looseObject({ selectedType: z.string() }) }),
});

/**
 * Gemini CLI: the auth type its environment selects, else `security.auth.selectedType` of
 * `~/.gemini/settings.json` (`GEMINI_CLI_HOME` honoured), with what that type needs: a key
 * variable (also from `~/.gemini/.env`), Vertex AI's project and location, or the Google login
 * saved in `oauth_creds.json`.
 */
async function geminiCredentials(env: Env): Promise<CredentialsFound> {
  const dir = join(
    set(env, "GEMINI_CLI_HOME") ? (env.GEMINI_CLI_HOME ?? "") : home(env),
    ".gemini",
  );
  const dotEnv = (await readText(join(dir, ".env"))) ?? "";
  const inDotEnv = (name: string): boolean =>
    new RegExp(`^\\s*${name}\\s*=\\s*\\S`, "m").test(dotEnv);
  const oauth = join(dir, "oauth_creds.json");
  const googleLogin = async (): Promise<CredentialsFound> =>
    (await readText(oauth)) !== undefined || set(env, "GOOGLE_CLOUD_ACCESS_TOKEN")
      ? { found: `Google login in ${oauth}` }
      : { missing: `Google login selected but no ${oauth}; run \`gemini\` once and log in` };
  const vertex = (): CredentialsFound =>
    keyVar(env, ["GOOGLE_API_KEY"]) ??
    (set(env, "GOOGLE_CLOUD_PROJECT") && set(env, "GOOGLE_CLOUD_LOCATION")
      ? { found: "Vertex AI project in GOOGLE_CLOUD_PROJECT" }
      : {
          missing:
            "Vertex AI selected but neither GOOGLE_API_KEY nor GOOGLE_CLOUD_PROJECT and GOOGLE_CLOUD_LOCATION is set",
        });
  const apiKey = (): CredentialsFound =>
    keyVar(env, ["GEMINI_API_KEY"]) ??
    (inDotEnv("GEMINI_API_KEY")
      ? { found: `key in ${join(dir, ".env")}` }
      : { missing: "gemini-api-key selected but GEMINI_API_KEY is not set" });
  // The order the CLI itself reads its environment in.
  if (env.GOOGLE_GENAI_USE_GCA === "true") return googleLogin();
  if (env.GOOGLE_GENAI_USE_VERTEXAI === "true") return vertex();
  if (set(env, "GEMINI_API_KEY")) return { found: "key in GEMINI_API_KEY" };
  if (env.CLOUD_SHELL === "true" || env.GEMINI_CLI_USE_COMPUTE_ADC === "true") {
    return { found: "compute default credentials" };
  }
  const settingsFile = join(dir, "settings.json");
  const settings = GeminiSettings.safeParse(await readJson(settingsFile));
  const selected = settings.success ? settings.data.security.auth.selectedType : undefined;
  switch (selected) {
    case "oauth-personal":
      return googleLogin();
    case "gemini-api-key":
      return apiKey();
    case "vertex-ai":
      return vertex();
    case "compute-default-credentials":
      return { found: "compute default credentials" };
    default:
      return {
        missing: `no GEMINI_API_KEY and no auth method in ${settingsFile}${selected === undefined ? "" : ` (unknown "${selected}")`}`,
      };
  }
}

/** `env_key` of the `model_provider` that `~/.codex/config.toml` selects, when it selects one. */
function codexProviderKey(toml: string): string | undefined {
  const provider = /^\s*model_provider\s*=\s*["']([^"']+)["']/m.exec(toml)?.[1];
  if (provider === undefined) return undefined;
  const start = toml.indexOf(`[model_providers.${provider}]`);
  if (start < 0) return undefined;
  const section = toml.slice(start).split(/\n\s*\[/)[0] ?? "";
  return /^\s*env_key\s*=\s*["']([^"']+)["']/m.exec(section)?.[1];
}

/**
 * Codex: `OPENAI_API_KEY`/`CODEX_API_KEY`, the `env_key` of the model provider its config
 * selects, or the login `codex login` saves in `$CODEX_HOME/auth.json` (default `~/.codex`).
 */
async function codexCredentials(env: Env): Promise<CredentialsFound> {
  const dir = set(env, "CODEX_HOME") ? (env.CODEX_HOME ?? "") : join(home(env), ".codex");
  const providerKey = codexProviderKey((await readText(join(dir, "config.toml"))) ?? "");
  const key = keyVar(env, [
    ...(providerKey === undefined ? [] : [providerKey]),
    "OPENAI_API_KEY",
    "CODEX_API_KEY",
    "CODEX_ACCESS_TOKEN",
  ]);
  if (key) return key;
  const auth = join(dir, "auth.json");
  if ((await readText(auth)) !== undefined) return { found: `login in ${auth}` };
  return {
    missing: `no ${providerKey ?? "OPENAI_API_KEY"} and no Codex login (${auth})`,
  };
}

/**
 * Whether a coding CLI has credentials it can use, found without calling anything: an API key
 * variable in its environment or the files its own login writes. `doctor --offline` fails a
 * CLI model without them; the answer does not prove the key is valid.
 */
export function findCliCredentials(kind: CliDialect["kind"], env: Env): Promise<CredentialsFound> {
  switch (kind) {
    case "claude-cli":
      return claudeCredentials(env);
    case "gemini-cli":
      return geminiCredentials(env);
    case "codex-cli":
      return codexCredentials(env);
  }
}
