import { expect, it } from "vitest";
import type { Memory } from "../../src/core/ports.js";
import { lesson } from "../support/lesson-fixtures.js";

/** The behaviour every `Memory` adapter shares; each adapter's test file runs it. */
export function memoryContract(open: () => Promise<Memory>): void {
  it("remembers lessons and recalls the relevant one first", async () => {
    const memory = await open();
    await memory.remember([
      lesson({
        id: "a",
        title: "lint failed: unused import in api/routes.ts",
        text: "Remove unused imports before the gate.",
        files: ["api/routes.ts"],
      }),
      lesson({ id: "b" }),
    ]);
    const { found } = await memory.recall({
      text: "divide zero calc.py",
      repository: "demo",
    });
    expect(found[0]?.lesson.id).toBe("b");
    expect(found.map((f) => f.lesson.id)).not.toContain("a");
    await memory.close();
  });

  it("replaces a lesson with the same id, lists newest first and forgets", async () => {
    const memory = await open();
    await memory.remember([lesson({ id: "a", createdAt: 1 }), lesson({ id: "b", createdAt: 2 })]);
    await memory.remember([lesson({ id: "a", createdAt: 3, title: "changed title" })]);
    const listed = await memory.list();
    expect(listed.map((l) => [l.id, l.title])).toEqual([
      ["a", "changed title"],
      ["b", "tests failed: test_divide_by_zero"],
    ]);
    expect(await memory.forget("a")).toBe(true);
    expect(await memory.forget("a")).toBe(false);
    expect((await memory.list()).map((l) => l.id)).toEqual(["b"]);
    const { found } = await memory.recall({ text: "changed title" });
    expect(found.map((f) => f.lesson.id)).not.toContain("a");
    await memory.close();
  });

  it("keeps other repositories' lessons out of a recall", async () => {
    const memory = await open();
    await memory.remember([lesson({ id: "other", repository: "elsewhere" })]);
    expect((await memory.recall({ text: "divide zero", repository: "demo" })).found).toEqual([]);
    await memory.close();
  });
}
