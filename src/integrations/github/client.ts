import { createSign } from "node:crypto";
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import { Octokit } from "@octokit/rest";
import { z } from "zod";
import { UserError } from "../../core/errors.js";
import type { GithubConfig } from "../../core/project-config.js";

/** Octokit with the retry and throttling plugins: what every GitHub call goes through. */
const GithubOctokit = Octokit.plugin(retry, throttling);
export type GithubClient = InstanceType<typeof GithubOctokit>;

export interface ClientOptions {
  /** Milliseconds per second of a `retry-after` (tests shorten the wait). */
  readonly retryAfterBaseValue?: number;
  /** Called when a rate limit is hit, before waiting. */
  readonly onLimit?: (message: string) => void;
}

/** How many times a rate-limited request is tried again before it fails. */
const RATE_LIMIT_RETRIES = 3;

/** A client for `apiUrl` authenticated with `token`; primary and secondary limits respected. */
export function createGithubClient(
  apiUrl: string,
  token: string,
  options: ClientOptions = {},
): GithubClient {
  const onLimit =
    (kind: string) =>
    (retryAfter: number, request: { method: string; url: string }, _o: unknown, count: number) => {
      options.onLimit?.(
        `GitHub ${kind} rate limit on ${request.method} ${request.url}; waiting ${retryAfter}s`,
      );
      return count < RATE_LIMIT_RETRIES;
    };
  return new GithubOctokit({
    auth: token,
    baseUrl: apiUrl,
    userAgent: "orchestrator",
    throttle: {
      onRateLimit: onLimit("primary"),
      onSecondaryRateLimit: onLimit("secondary"),
      ...(options.retryAfterBaseValue === undefined
        ? {}
        : { retryAfterBaseValue: options.retryAfterBaseValue }),
    },
    retry: { retries: 2 },
    log: {
      debug: () => undefined,
      info: () => undefined,
      warn: () => undefined,
      error: () => undefined,
    },
  });
}

const InstallationTokenSchema = z.object({ token: z.string().min(1) });

function base64url(data: string | Buffer): string {
  return Buffer.from(data).toString("base64url");
}

/** A JSON Web Token for a GitHub App (RS256, valid 9 minutes, issued a minute back for clock skew). */
export function appJwt(appId: string, privateKeyPem: string, nowMs = Date.now()): string {
  const now = Math.floor(nowMs / 1000);
  const header = base64url(JSON.stringify({ alg: "RS256", typ: "JWT" }));
  const payload = base64url(JSON.stringify({ iat: now - 60, exp: now + 540, iss: appId }));
  const signer = createSign("RSA-SHA256");
  signer.update(`${header}.${payload}`);
  return `${header}.${payload}.${base64url(signer.sign(privateKeyPem))}`;
}

/**
 * The token GitHub calls use: the variable named by `token_env`, or, with `app:` configured, an
 * installation token exchanged for the App's JWT. Credentials come from the environment only.
 */
export async function resolveGithubToken(
  config: GithubConfig,
  env: NodeJS.ProcessEnv,
): Promise<string> {
  if (config.app !== undefined) {
    const { appIdEnv, installationIdEnv, privateKeyEnv } = config.app;
    const appId = env[appIdEnv];
    const installation = env[installationIdEnv];
    const key = env[privateKeyEnv];
    if (!appId || !installation || !key) {
      throw new UserError(
        `model_config.yaml: github.app needs ${appIdEnv}, ${installationIdEnv} and ${privateKeyEnv} in the environment`,
      );
    }
    const response = await fetch(
      `${config.apiUrl}/app/installations/${encodeURIComponent(installation)}/access_tokens`,
      {
        method: "POST",
        headers: {
          authorization: `Bearer ${appJwt(appId, key.replace(/\\n/g, "\n"))}`,
          accept: "application/vnd.github+json",
          "user-agent": "orchestrator",
        },
      },
    );
    if (!response.ok) {
      throw new UserError(
        `GitHub App installation token refused: HTTP ${response.status} from ${config.apiUrl}`,
      );
    }
    return InstallationTokenSchema.parse(await response.json()).token;
  }
  const token = env[config.tokenEnv];
  if (!token) {
    throw new UserError(
      `model_config.yaml: github: needs a token in ${config.tokenEnv} (or github.app for a GitHub App)`,
    );
  }
  return token;
}
