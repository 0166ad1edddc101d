import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { mergeImportedTasks } from "./tasks-yaml.js";
import type { ImportedTask } from "./issue-task.js";

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const task = (id: string, goal: string, deps: string[] = []): ImportedTask => ({
  id,
  goal,
  risk: "low",
  area: "docs",
  priority: 0,
  depends_on: deps,
  context_files: [],
});

describe("imported tasks in tasks.yaml", () => {
  it("adds new tasks, updates changed ones, never duplicates, keeps comments and user fields", async () => {
    dir = await mkdtemp(join(tmpdir(), "tasks-yaml-"));
    const path = join(dir, "tasks.yaml");
    await writeFile(
      path,
      "# my backlog\n- id: T-1 # hand-written\n  goal: Mine\n  risk: low\n  area: core\n",
    );
    const first = await mergeImportedTasks(path, [
      task("GH-1", "One"),
      task("GH-2", "Two", ["GH-1"]),
    ]);
    expect(first).toEqual({ added: ["GH-1", "GH-2"], updated: [], unchanged: [] });

    const text = await readFile(path, "utf8");
    expect(text).toContain("# my backlog");
    expect(text).toContain("# hand-written");
    await writeFile(path, text.replace("goal: One", "goal: One\n    timeout: 1h"));

    const second = await mergeImportedTasks(path, [
      task("GH-1", "One, edited"),
      task("GH-2", "Two", ["GH-1"]),
    ]);
    expect(second).toEqual({ added: [], updated: ["GH-1"], unchanged: ["GH-2"] });
    const data = parse(await readFile(path, "utf8")) as { tasks: Record<string, unknown>[] };
    expect(data.tasks.map((t) => t.id)).toEqual(["T-1", "GH-1", "GH-2"]);
    expect(data.tasks[1]).toMatchObject({ goal: "One, edited", timeout: "1h" });
    expect(data.tasks[2]).toMatchObject({ depends_on: ["GH-1"] });
  });

  it("creates the file when there is none and leaves an unchanged file untouched", async () => {
    dir = await mkdtemp(join(tmpdir(), "tasks-yaml-"));
    const path = join(dir, "tasks.yaml");
    await mergeImportedTasks(path, [task("GH-3", "Three")]);
    const before = await readFile(path, "utf8");
    expect(parse(before)).toMatchObject({ tasks: [{ id: "GH-3", goal: "Three" }] });
    expect(await mergeImportedTasks(path, [task("GH-3", "Three")])).toMatchObject({
      unchanged: ["GH-3"],
    });
    expect(await readFile(path, "utf8")).toBe(before);
  });
});
