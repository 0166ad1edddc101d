import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * vitest globalSetup: task worktrees go under the user's state directory by default, so every
 * test run gets its own XDG_STATE_HOME (inherited by the test workers and the CLI processes they
 * start) instead of writing to the real ~/.local/state. Removed when the run ends.
 */
export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), "orch-test-state-"));
  process.env.XDG_STATE_HOME = dir;
  return () => {
    rmSync(dir, { recursive: true, force: true });
  };
}
