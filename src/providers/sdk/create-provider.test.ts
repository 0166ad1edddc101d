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
});
