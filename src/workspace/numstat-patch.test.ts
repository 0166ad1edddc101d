import { afterEach, describe, expect, it } from "vitest";
import { createTempRepo, type TempRepo } from "../../test/workspace/temp-repo.js";
import { NUMSTAT_PATCH_FLAGS, parseNumstatPatch } from "./numstat-patch.js";

let repo: TempRepo | undefined;
afterEach(async () => {
  await repo?.cleanup();
});

describe("parseNumstatPatch", () => {
  it("reads real git output: counts, binary files, odd names, and the patch after them", async () => {
    repo = await createTempRepo();
    await repo.write("gone me.txt", "x\n");
    await repo.commitAll("more");
    await repo.write("src/app.txt", "line 1\nchanged\nadded\n");
    await repo.write("new\tfile.txt", "one\ntwo\n");
    await repo.write("blob.bin", Buffer.from([0, 1, 2, 0, 255]));
    await repo.sh("rm", "--quiet", "gone me.txt");
    await repo.sh("add", "--all");
    const out = await repo.git.run([
      "diff",
      "--cached",
      "--no-renames",
      ...NUMSTAT_PATCH_FLAGS,
      "--binary",
      "HEAD",
    ]);
    const { files, patch } = parseNumstatPatch(out);
    expect([...files].sort((a, b) => a.path.localeCompare(b.path))).toEqual([
      { path: "blob.bin", added: null, removed: null },
      { path: "gone me.txt", added: 0, removed: 1 },
      { path: "new\tfile.txt", added: 2, removed: 0 },
      { path: "src/app.txt", added: 2, removed: 1 },
    ]);
    expect(patch.startsWith("diff --git ")).toBe(true);
    expect(patch).toContain("GIT binary patch");
    expect(patch).toContain("-line 2\n+changed\n+added\n");
  });

  it("reads no change from empty output and rejects output that is not this format", () => {
    expect(parseNumstatPatch("")).toEqual({ files: [], patch: "" });
    expect(() => parseNumstatPatch("1\t2\tfile.txt\n")).toThrow(/no end of the file list/);
    expect(() => parseNumstatPatch("junk\0\0diff")).toThrow(/unexpected record/);
  });
});
