import { afterEach, describe, expect, it } from "vitest";
import { createTempRepo } from "../../test/workspace/temp-repo.js";
import type { TempRepo } from "../../test/workspace/temp-repo.js";
import { findMarkers, scanMarkerComments } from "./scan-comments.js";

let repo: TempRepo | undefined;
afterEach(async () => {
  await repo?.cleanup();
  repo = undefined;
});

describe("findMarkers", () => {
  it("finds TODO, FIXME and XXX in comments of several languages, with their text", () => {
    const text = [
      "const a = 1; // TODO: handle negative numbers",
      "# FIXME parse the header once",
      "/* XXX: quadratic */",
      " * TODO(ana) document the options",
      "<!-- TODO link the guide -->",
      'const label = "TODO list";',
      "let todos = 0; // todo in lower case is not a marker",
      "// TODOS are not a marker either",
    ].join("\n");
    expect(findMarkers("a.js", text)).toEqual([
      { kind: "todo", file: "a.js", line: 1, tag: "TODO", text: "handle negative numbers" },
      { kind: "todo", file: "a.js", line: 2, tag: "FIXME", text: "parse the header once" },
      { kind: "todo", file: "a.js", line: 3, tag: "XXX", text: "quadratic" },
      { kind: "todo", file: "a.js", line: 4, tag: "TODO", text: "ana) document the options" },
      { kind: "todo", file: "a.js", line: 5, tag: "TODO", text: "link the guide" },
    ]);
  });
});

describe("scanMarkerComments", () => {
  it("scans tracked and untracked files, never ignored, vendored or binary ones", async () => {
    repo = await createTempRepo();
    await repo.write(".gitignore", "ignored/\n");
    await repo.write(
      "src/calc.py",
      "def div(a, b):\n    # TODO: guard against zero\n    return a / b\n",
    );
    await repo.write("node_modules/lib/index.js", "// TODO vendored\n");
    await repo.write("vendor/x.go", "// FIXME vendored\n");
    await repo.write("ignored/y.js", "// TODO ignored\n");
    await repo.write("img.bin", Buffer.from([0, 1, 2, 0x2f, 0x2f, 0x20, 0x54, 0x4f, 0x44, 0x4f]));
    await repo.commitAll("files");
    await repo.write("notes.sh", "echo hi # XXX untracked but not ignored\n");
    const found = await scanMarkerComments(repo.runner, repo.root);
    expect(found.map((f) => `${f.file}:${f.line} ${f.tag} ${f.text}`)).toEqual([
      "notes.sh:1 XXX untracked but not ignored",
      "src/calc.py:2 TODO guard against zero",
    ]);
  });

  it("stops at the maximum", async () => {
    repo = await createTempRepo();
    await repo.write("a.js", Array.from({ length: 20 }, (_, i) => `// TODO ${i}`).join("\n"));
    expect(await scanMarkerComments(repo.runner, repo.root, { max: 3 })).toHaveLength(3);
  });
});
