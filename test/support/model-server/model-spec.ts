import type { ModelSpec, ProviderKind } from "../../../src/core/project-config.js";

/** Prices used by provider tests, USD per million tokens (Claude Sonnet's list prices). */
export const TEST_PRICE = { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 } as const;

/** A model spec for a provider test; the fields a test cares about are overridden. */
export function testModelSpec(
  provider: ProviderKind,
  overrides: Partial<Omit<ModelSpec, "provider">> = {},
): ModelSpec {
  return {
    name: `test_${provider.replace(/-/g, "_")}`,
    provider,
    model: "test-model",
    family: "test",
    tier: "medium",
    price: TEST_PRICE,
    args: [],
    env: {},
    timeoutMs: 10_000,
    ...overrides,
  };
}
