import { createVerify, generateKeyPairSync } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import type { GithubConfig } from "../../core/project-config.js";
import { appJwt, resolveGithubToken } from "./client.js";
import { DEFAULT_TASK_LABELS } from "./issue-task.js";

const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const pem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();

const config = (apiUrl: string, app = false): GithubConfig => ({
  owner: "acme",
  name: "widgets",
  apiUrl,
  remote: "origin",
  labels: [],
  reviewers: [],
  draftOnHuman: true,
  tokenEnv: "GITHUB_TOKEN",
  taskLabels: DEFAULT_TASK_LABELS,
  ...(app
    ? { app: { appIdEnv: "APP_ID", installationIdEnv: "INSTALLATION", privateKeyEnv: "APP_KEY" } }
    : {}),
});

describe("GitHub credentials", () => {
  it("signs an App JWT that verifies with the App's public key", () => {
    const jwt = appJwt("123", pem, Date.parse("2026-01-01T00:00:00Z"));
    const [header = "", payload = "", signature = ""] = jwt.split(".");
    const verifier = createVerify("RSA-SHA256");
    verifier.update(`${header}.${payload}`);
    expect(verifier.verify(publicKey, Buffer.from(signature, "base64url"))).toBe(true);
    expect(JSON.parse(Buffer.from(payload, "base64url").toString())).toMatchObject({ iss: "123" });
  });

  it("exchanges the App JWT for an installation token, and reads a plain token from its variable", async () => {
    const seen: string[] = [];
    const server = createServer((req, res) => {
      seen.push(
        `${req.method ?? ""} ${req.url ?? ""} ${req.headers.authorization?.split(".").length ?? 0}`,
      );
      res.writeHead(201, { "content-type": "application/json" });
      res.end(JSON.stringify({ token: "ghs_installation" }));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const env = { APP_ID: "123", INSTALLATION: "77", APP_KEY: pem };
      expect(await resolveGithubToken(config(url, true), env)).toBe("ghs_installation");
      expect(seen).toEqual(["POST /app/installations/77/access_tokens 3"]);
      expect(await resolveGithubToken(config(url), { GITHUB_TOKEN: "plain" })).toBe("plain");
      await expect(resolveGithubToken(config(url), {})).rejects.toThrow(/GITHUB_TOKEN/);
      await expect(resolveGithubToken(config(url, true), { APP_ID: "1" })).rejects.toThrow(
        /INSTALLATION/,
      );
    } finally {
      server.close();
    }
  });
});
