import { existsSync, lstatSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createTempRepo, type TempRepo } from "../../test/workspace/temp-repo.js";
import type { QualityConfig } from "../core/project-config.js";
import { runGate } from "./index.js";

let repo: TempRepo | undefined;
afterEach(async () => {
  await repo?.cleanup();
  repo = undefined;
});

/** A hook that reads the index, as real pre-commit hooks do, and rejects staged FIXMEs. */
const HOOK = `git diff --cached --name-only > staged.txt.log; if git diff --cached | grep -q FIXME; then echo "FIXME staged"; exit 1; fi`;

function quality(): QualityConfig {
  return {
    setup: "ln -s /nonexistent-deps node_modules && mkdir -p out && echo x > out/report.txt",
    checks: new Map([
      ["hooks", { name: "hooks", command: HOOK, kind: "hooks", timeoutMs: 20_000, env: {} }],
    ]),
    levels: { TRIVIAL: ["hooks"], SMALL: ["hooks"], MEDIUM: ["hooks"], LARGE: ["hooks"] },
    defaultLevel: "SMALL",
    maxAttempts: 3,
    planReviewRounds: 2,
    policyDocs: [],
    contextTokenBudget: 10_000,
  };
}

describe("what the gate leaves behind", () => {
  it("hooks see the change staged without setup's link, and nothing the gate made stays", async () => {
    const r = (repo = await createTempRepo());
    // `node_modules/` matches directories only: a link of that name would be committed.
    await r.write(".gitignore", "node_modules/\n*.log\n");
    await r.commitAll("base");
    await r.write("src/new.ts", "// FIXME later\n");

    const result = await runGate({
      cwd: r.root,
      quality: quality(),
      level: "SMALL",
      runner: r.runner,
      logDir: join(r.root, "..", "gate-logs"),
    });

    expect(result.passed).toBe(false);
    expect(result.feedback).toMatch(/FIXME staged/);
    const staged = await r.sh("diff", "--cached", "--name-only");
    expect(staged.split("\n")).toContain("src/new.ts");
    expect(staged).not.toMatch(/node_modules|out\//);
    expect(existsSync(join(r.root, "out"))).toBe(false);
    expect(() => lstatSync(join(r.root, "node_modules"))).toThrow();
    // The implementer's file is still there.
    expect(existsSync(join(r.root, "src", "new.ts"))).toBe(true);
  });
});
