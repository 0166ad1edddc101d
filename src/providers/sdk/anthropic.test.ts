import { describe, expect, it } from "vitest";
import { testModelSpec } from "../../../test/support/model-server/model-spec.js";
import {
  describeApiProvider,
  REQUEST,
} from "../../../test/support/model-server/provider-contract.js";
import { startModelServer } from "../../../test/support/model-server/index.js";
import { AnthropicProvider } from "./anthropic.js";

describeApiProvider({
  provider: "anthropic",
  vendor: "anthropic",
  create: (spec, env) => new AnthropicProvider(spec, { env }),
  baseUrl: (url) => url,
  keyEnv: "ANTHROPIC_API_KEY",
  // Anthropic reports input without the cache, and cache writes beside it.
  expectedUsage: { input: 100, output: 20, cacheRead: 300, cacheWrite: 40 },
});

describe("anthropic provider", () => {
  it("marks the system prompt as a cache breakpoint and sends the prompt as the user turn", async () => {
    const server = await startModelServer({ rules: [{ text: "ok" }] });
    try {
      const spec = testModelSpec("anthropic", { baseUrl: server.url, model: "claude-test" });
      await new AnthropicProvider(spec, { env: { ANTHROPIC_API_KEY: "k" } }).complete(REQUEST);
      expect(server.requests[0]?.body).toMatchObject({
        model: "claude-test",
        system: [{ type: "text", text: REQUEST.system, cache_control: { type: "ephemeral" } }],
        messages: [{ role: "user", content: REQUEST.prompt }],
      });
    } finally {
      await server.close();
    }
  });

  it("reads ANTHROPIC_API_KEY by default and fails with auth without it", async () => {
    const spec = testModelSpec("anthropic", { baseUrl: "http://127.0.0.1:9" });
    const error = await new AnthropicProvider(spec, { env: {} })
      .complete(REQUEST)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: "auth" });
    expect(String(error)).toContain("ANTHROPIC_API_KEY");
  });
});
