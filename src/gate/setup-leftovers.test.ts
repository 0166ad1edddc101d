import { existsSync, lstatSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createTempRepo, type TempRepo } from "../../test/workspace/temp-repo.js";
import type { QualityConfig } from "../core/project-config.js";
import { describeChange, runGate } from "./index.js";

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

  it("with the change's untracked files as the before-list, removes only what the gate made", async () => {
    const r = (repo = await createTempRepo());
    await r.write("notes/mine.txt", "the implementer's untracked file\n");
    await r.write("loose.txt", "loose\n");
    const check = "mkdir -p report notes && echo r > report/out.txt && echo n > notes/extra.txt";
    const { setup, ...noSetup } = quality();
    expect(setup).toBeDefined();
    const q: QualityConfig = {
      ...noSetup,
      checks: new Map([
        ["c", { name: "c", command: check, kind: "custom", timeoutMs: 20_000, env: {} }],
      ]),
      levels: { TRIVIAL: ["c"], SMALL: ["c"], MEDIUM: ["c"], LARGE: ["c"] },
    };
    const change = await describeChange(r.runner, r.root, "HEAD");
    expect([...change.untracked].sort()).toEqual(["loose.txt", "notes/mine.txt"]);

    const result = await runGate({
      cwd: r.root,
      quality: q,
      level: "SMALL",
      runner: r.runner,
      logDir: join(r.root, "..", "gate-logs"),
      compare: { baseSha: "HEAD", baseline: new Map(), change, related: false },
    });

    expect(result.passed).toBe(true);
    expect(existsSync(join(r.root, "report"))).toBe(false);
    expect(existsSync(join(r.root, "notes", "mine.txt"))).toBe(true);
    expect(existsSync(join(r.root, "loose.txt"))).toBe(true);
  });
});
