import { describe, expect, it } from "vitest";
import { testModelSpec } from "../../../test/support/model-server/model-spec.js";
import { createProvider } from "../index.js";

describe("createProvider for API models", () => {
  it.each(["anthropic", "gemini", "openai-compatible", "ollama"] as const)(
    "creates the %s adapter, with a check",
    (kind) => {
      const provider = createProvider(testModelSpec(kind, { name: "m", family: "f" }));
      expect(provider).toMatchObject({ kind, name: "m", family: "f" });
      expect(typeof provider.check).toBe("function");
    },
  );

  it("loads the adapter at the first check: a missing key is reported, not thrown", async () => {
    const spec = testModelSpec("anthropic", { name: "m", family: "f" });
    const provider = createProvider({ ...spec, apiKeyEnv: "NO_SUCH_KEY_FOR_THIS_TEST" });
    const check = await provider.check?.({ offline: true });
    expect(check).toMatchObject({
      ok: false,
      problems: ["no API key: NO_SUCH_KEY_FOR_THIS_TEST not set"],
    });
  });
});
