import { afterEach, describe, expect, it } from "vitest";
import { happyScript } from "../support/script-builder.js";
import { runCli } from "../support/cli.js";
import { writeScriptedProject } from "../support/scripted-project.js";
import { snapshot } from "../workspace/snapshot.js";
import { createTempRepo } from "../workspace/temp-repo.js";
import type { TempRepo } from "../workspace/temp-repo.js";

let repo: TempRepo | undefined;
afterEach(async () => {
  await repo?.cleanup();
  repo = undefined;
});

describe("a whole run never touches the user's checkout", () => {
  it("leaves a dirty tree, index, stash, refs and branch byte for byte as they were", async () => {
    const r = (repo = await createTempRepo());
    await writeScriptedProject(r.root, {
      taskId: "ISO-9",
      script: happyScript("ISO-9", [
        { id: "S1", description: "Edit the app", files: { "src/app.txt": "task edit\n" } },
        { id: "S2", description: "Add a file", files: { "new.txt": "new\n" } },
      ]),
    });
    await r.sh("branch", "feature/other");
    await r.write("src/app.txt", "stashed edit\n");
    await r.sh("stash", "push", "--quiet", "-m", "user stash");
    await r.write("src/app.txt", "line 1\nuser's unsaved edit\n");
    await r.write("staged.txt", "staged content\n");
    await r.sh("add", "staged.txt");
    await r.write("notes/untracked.md", "scratch\n");
    const before = await snapshot(r);

    const run = await runCli(["run", "--task", "ISO-9"], r.root, r.env);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(await r.sh("show", "orchestrator/ISO-9:src/app.txt")).toBe("task edit");
    expect(await snapshot(r)).toEqual(before);

    expect((await runCli(["abort", "ISO-9"], r.root, r.env)).code).toBe(2);
  });
});
