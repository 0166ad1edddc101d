import { describe, expect, it } from "vitest";
import { chooseLevel, isDocFile, type LevelInput } from "./levels.js";

const base: LevelInput = {
  defaultLevel: "MEDIUM",
  taskRisk: "medium",
  stepRisk: "medium",
  isFinal: false,
  files: ["src/a.ts"],
  changedLines: 30,
};

describe("chooseLevel", () => {
  it("follows the documented rules in order", () => {
    expect(chooseLevel({ ...base, override: "SMALL", stepRisk: "high" }).level).toBe("SMALL");
    expect(chooseLevel({ ...base, files: ["README.md", "docs/x.png"] })).toEqual({
      level: "TRIVIAL",
      reason: "documentation-only change",
    });
    expect(chooseLevel({ ...base, files: [] }).level).toBe("TRIVIAL");
    expect(chooseLevel({ ...base, stepRisk: "high" }).level).toBe("LARGE");
    expect(chooseLevel({ ...base, changedLines: 401 }).reason).toBe(
      "large change (401 lines in 1 files)",
    );
    expect(
      chooseLevel({ ...base, files: Array.from({ length: 21 }, (_, i) => `f${i}.ts`) }).level,
    ).toBe("LARGE");
    expect(chooseLevel({ ...base, stepRisk: "low" }).level).toBe("SMALL");
    expect(chooseLevel({ ...base, stepRisk: "low", changedLines: 101 }).level).toBe("MEDIUM");
    expect(chooseLevel(base).level).toBe("MEDIUM");
  });

  it("runs the task's full level on the final step, or more when the change needs it", () => {
    expect(chooseLevel({ ...base, isFinal: true, files: ["README.md"] })).toEqual({
      level: "MEDIUM",
      reason: "final step: the task's full level (default_level MEDIUM)",
    });
    expect(chooseLevel({ ...base, isFinal: true, taskRisk: "high" }).level).toBe("LARGE");
    expect(chooseLevel({ ...base, isFinal: true, stepRisk: "high" }).reason).toMatch(
      /^final step; high-risk step/,
    );
  });

  it("knows documentation files", () => {
    expect(["docs/a.ts", "x/README.md", "LICENSE", "notes.rst"].every(isDocFile)).toBe(true);
    expect(["src/a.ts", "package.json", "md.ts"].some(isDocFile)).toBe(false);
  });
});
