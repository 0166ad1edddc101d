import { chmod } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createTempRepo, type TempRepo } from "../../test/workspace/temp-repo.js";
import { detectHook } from "./hooks.js";

let repo: TempRepo | undefined;
afterEach(async () => {
  await repo?.cleanup();
  repo = undefined;
});

describe("detectHook", () => {
  it("prefers the pre-commit framework, then husky, then lefthook", async () => {
    const r = (repo = await createTempRepo());
    await r.write("lefthook.yml", "pre-commit: {}\n");
    expect(await detectHook(r.runner, r.root, ["a.ts"])).toMatchObject({
      source: "lefthook",
      program: "lefthook",
      args: ["run", "pre-commit"],
    });
    await r.write(".husky/pre-commit", "npx lint-staged\n");
    expect((await detectHook(r.runner, r.root, []))?.source).toBe("husky");
    await r.write(".pre-commit-config.yaml", "repos: []\n");
    expect(await detectHook(r.runner, r.root, ["a.ts", "b.py"])).toEqual({
      source: "pre-commit",
      program: "pre-commit",
      args: ["run", "--files", "a.ts", "b.py"],
    });
  });

  it("finds a plain hook under core.hooksPath, and none when it is not executable", async () => {
    const r = (repo = await createTempRepo());
    expect(await detectHook(r.runner, r.root, [])).toBeUndefined();
    await r.sh("config", "core.hooksPath", "githooks");
    await r.write("githooks/pre-commit", "#!/bin/sh\nexit 0\n");
    expect(await detectHook(r.runner, r.root, [])).toBeUndefined();
    await chmod(join(r.root, "githooks", "pre-commit"), 0o755);
    expect(await detectHook(r.runner, r.root, [])).toEqual({
      source: "git-hook",
      program: join(r.root, "githooks", "pre-commit"),
      args: [],
    });
  });
});
