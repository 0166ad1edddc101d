import { afterEach, describe, expect, it } from "vitest";
import { ProviderError } from "../../core/provider-errors.js";
import { testModelSpec } from "../../../test/support/model-server/model-spec.js";
import {
  describeApiProvider,
  REQUEST,
} from "../../../test/support/model-server/provider-contract.js";
import { startModelServer, type ModelServer } from "../../../test/support/model-server/index.js";
import { GeminiProvider } from "./gemini.js";

describeApiProvider({
  provider: "gemini",
  vendor: "gemini",
  create: (spec, env) => new GeminiProvider(spec, { env }),
  baseUrl: (url) => url,
  keyEnv: "GEMINI_API_KEY",
  // promptTokenCount includes the cached tokens; Gemini reports no cache writes.
  expectedUsage: { input: 100, output: 20, cacheRead: 300, cacheWrite: 0 },
});

describe("gemini provider", () => {
  let server: ModelServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it("falls back to GOOGLE_API_KEY and sends the system instruction", async () => {
    server = await startModelServer({ rules: [{ text: "ok" }] });
    const spec = testModelSpec("gemini", { baseUrl: server.url, model: "gemini-test" });
    const provider = new GeminiProvider(spec, { env: { GOOGLE_API_KEY: "google-key" } });
    await provider.complete(REQUEST);
    expect(server.requests[0]).toMatchObject({
      path: "/v1beta/models/gemini-test:generateContent",
      system: REQUEST.system,
    });
    expect(server.requests[0]?.headers["x-goog-api-key"]).toBe("google-key");
    expect((await provider.check({ offline: true })).found).toContain("GOOGLE_API_KEY");
  });

  it("counts thinking tokens as output and leaves thought parts out of the text", async () => {
    server = await startModelServer({
      rules: [{ text: "answer", usage: { input: 10, output: 5, thoughts: 7 } }],
    });
    const spec = testModelSpec("gemini", { baseUrl: server.url });
    const response = await new GeminiProvider(spec, { env: { GEMINI_API_KEY: "k" } }).complete(
      REQUEST,
    );
    expect(response.text).toBe("answer");
    expect(response.usage).toEqual({ input: 10, output: 12, cacheRead: 0, cacheWrite: 0 });
  });

  it("reads the wait from Google's RetryInfo when there is no retry-after header", async () => {
    server = await startModelServer({
      rules: [
        {
          fault: {
            status: 429,
            body: {
              error: {
                code: 429,
                message: "Resource has been exhausted (e.g. check quota).",
                status: "RESOURCE_EXHAUSTED",
                details: [
                  { "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "37s" },
                ],
              },
            },
          },
        },
      ],
    });
    const spec = testModelSpec("gemini", { baseUrl: server.url });
    const error = await new GeminiProvider(spec, { env: { GEMINI_API_KEY: "k" } })
      .complete(REQUEST)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: "rate_limit", retryAfterMs: 37_000 });
    expect((error as ProviderError).message).toContain("Resource has been exhausted");
  });

  it("reports a blocked prompt as a bad request", async () => {
    server = await startModelServer({
      rules: [
        {
          fault: {
            status: 200,
            body: { promptFeedback: { blockReason: "SAFETY" }, usageMetadata: {} },
          },
        },
      ],
    });
    const spec = testModelSpec("gemini", { baseUrl: server.url });
    const error = await new GeminiProvider(spec, { env: { GEMINI_API_KEY: "k" } })
      .complete(REQUEST)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: "bad_request" });
    expect((error as ProviderError).message).toContain("SAFETY");
  });
});
