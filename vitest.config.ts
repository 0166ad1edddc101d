import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts", "bench/**/*.test.ts"],
    // Fixture projects carry their own tests; they run inside the tests that use them.
    exclude: ["test/fixtures/**", "node_modules/**", "dist/**", ".cache/**"],
    // End-to-end tests drive the real CLI, git and gate processes; a busy 2-core machine needs room.
    testTimeout: 90_000,
    hookTimeout: 90_000,
    pool: "forks",
    // Task worktrees go under $XDG_STATE_HOME: a temporary one per test run.
    globalSetup: ["test/support/state-home.ts"],
  },
});
