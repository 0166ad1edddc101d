import { afterEach, describe, expect, it } from "vitest";
import { ProviderError } from "../../core/provider-errors.js";
import { testModelSpec } from "../../../test/support/model-server/model-spec.js";
import {
  describeApiProvider,
  REQUEST,
} from "../../../test/support/model-server/provider-contract.js";
import { startModelServer, type ModelServer } from "../../../test/support/model-server/index.js";
import { OllamaProvider } from "./ollama.js";

describeApiProvider({
  provider: "ollama",
  vendor: "ollama",
  create: (spec, env) => new OllamaProvider(spec, { env }),
  baseUrl: (url) => url,
  keyEnv: undefined,
  // Ollama reports no prompt cache: the cached tokens are not counted at all.
  expectedUsage: { input: 100, output: 20, cacheRead: 0, cacheWrite: 0 },
});

describe("ollama provider", () => {
  let server: ModelServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it("calls /api/chat without streaming", async () => {
    server = await startModelServer({ rules: [{ text: "hi" }] });
    const spec = testModelSpec("ollama", { baseUrl: `${server.url}/`, model: "llama3" });
    await new OllamaProvider(spec).complete(REQUEST);
    expect(server.requests[0]).toMatchObject({ path: "/api/chat", model: "llama3" });
    expect(server.requests[0]?.body).toMatchObject({ stream: false });
  });

  it("tells the user to pull a model the server does not have", async () => {
    server = await startModelServer({
      models: ["qwen3:latest"],
      rules: [{ fault: { status: 404, body: { error: "model 'llama3' not found" } } }],
    });
    const spec = testModelSpec("ollama", { baseUrl: server.url, model: "llama3" });
    const provider = new OllamaProvider(spec);
    const error = await provider.complete(REQUEST).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: "bad_request", status: 404 });
    expect((error as ProviderError).message).toContain("ollama pull llama3");
    const check = await provider.check({ offline: false });
    expect(check.ok).toBe(false);
    expect(check.problems[0]).toContain("not pulled");
    expect(check.fixes).toEqual(["ollama pull llama3"]);
  });

  it("accepts a model listed with its :latest tag", async () => {
    server = await startModelServer({ models: ["llama3:latest"], rules: [{ text: "OK" }] });
    const spec = testModelSpec("ollama", { baseUrl: server.url, model: "llama3" });
    expect(await new OllamaProvider(spec).check({ offline: false })).toMatchObject({ ok: true });
  });

  it("tells the user to start Ollama when nothing listens", async () => {
    server = await startModelServer({ rules: [] });
    const url = server.url;
    await server.close();
    server = undefined;
    const spec = testModelSpec("ollama", { baseUrl: url });
    const check = await new OllamaProvider(spec).check({ offline: false });
    expect(check.ok).toBe(false);
    expect(check.fixes[0]).toContain("ollama serve");
  });

  it("sends a bearer token when the model names api_key_env", async () => {
    server = await startModelServer({ rules: [{ text: "ok" }] });
    const spec = testModelSpec("ollama", { baseUrl: server.url, apiKeyEnv: "OLLAMA_KEY" });
    await new OllamaProvider(spec, { env: { OLLAMA_KEY: "secret" } }).complete(REQUEST);
    expect(server.requests[0]?.headers.authorization).toBe("Bearer secret");
    const missing = await new OllamaProvider(spec, { env: {} })
      .complete(REQUEST)
      .catch((e: unknown) => e);
    expect(missing).toMatchObject({ kind: "auth" });
  });
});
