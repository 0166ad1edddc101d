import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts", "bench/**/*.test.ts"],
    // Fixture projects carry their own tests; they run inside the tests that use them.
    exclude: ["test/fixtures/**", "node_modules/**", "dist/**", ".cache/**"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: "forks",
  },
});
