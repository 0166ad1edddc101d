import { afterEach, describe, expect, it } from "vitest";
import { testModelSpec } from "../../../test/support/model-server/model-spec.js";
import {
  describeApiProvider,
  REQUEST,
} from "../../../test/support/model-server/provider-contract.js";
import { startModelServer, type ModelServer } from "../../../test/support/model-server/index.js";
import { OpenAICompatibleProvider } from "./openai-compatible.js";

describeApiProvider({
  provider: "openai-compatible",
  vendor: "openai-chat",
  create: (spec, env) => new OpenAICompatibleProvider(spec, { env }),
  baseUrl: (url) => `${url}/v1`,
  keyEnv: "OPENAI_API_KEY",
  // prompt_tokens includes the cached tokens; OpenAI reports no cache writes.
  expectedUsage: { input: 100, output: 20, cacheRead: 300, cacheWrite: 0 },
});

describe("openai-compatible provider", () => {
  let server: ModelServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it("needs no key for a local server (vLLM, LM Studio, llama.cpp, Ollama /v1)", async () => {
    server = await startModelServer({ rules: [{ text: "local answer" }] });
    const spec = testModelSpec("openai-compatible", { baseUrl: `${server.url}/v1` });
    const provider = new OpenAICompatibleProvider(spec, { env: {} });
    expect((await provider.complete(REQUEST)).text).toBe("local answer");
    const check = await provider.check({ offline: true });
    expect(check).toMatchObject({ ok: true });
    expect(check.found).toContain("no key needed");
  });

  it("needs a key for OpenAI's own API", async () => {
    const spec = testModelSpec("openai-compatible", { baseUrl: "https://api.openai.com/v1" });
    const check = await new OpenAICompatibleProvider(spec, { env: {} }).check({ offline: true });
    expect(check.ok).toBe(false);
    expect(check.fixes[0]).toContain("OPENAI_API_KEY");
  });

  it("sends the system prompt as a system message", async () => {
    server = await startModelServer({ rules: [{ text: "ok" }] });
    const spec = testModelSpec("openai-compatible", { baseUrl: `${server.url}/v1` });
    await new OpenAICompatibleProvider(spec, { env: {} }).complete(REQUEST);
    expect(server.requests[0]?.body).toMatchObject({
      model: "test-model",
      messages: [
        { role: "system", content: REQUEST.system },
        { role: "user", content: REQUEST.prompt },
      ],
    });
  });

  it("reads OpenAI's retry-after-ms header", async () => {
    server = await startModelServer({
      rules: [{ fault: { status: 429, headers: { "retry-after-ms": "1500" } } }],
    });
    const spec = testModelSpec("openai-compatible", { baseUrl: `${server.url}/v1` });
    const error = await new OpenAICompatibleProvider(spec, { env: {} })
      .complete(REQUEST)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: "rate_limit", retryAfterMs: 1500 });
  });
});
