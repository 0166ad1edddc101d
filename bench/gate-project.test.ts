import { describe, expect, it } from "vitest";
import { DEFAULT_SHAPE, gateBenchFiles, moduleName } from "./gate-project.js";

describe("the gate bench's generated project", () => {
  const files = gateBenchFiles();
  const testFiles = [...files.keys()].filter((path) => path.endsWith(".test.ts"));

  it("holds at least 300 tests, spread over one test file per module", () => {
    expect(DEFAULT_SHAPE.modules * DEFAULT_SHAPE.testsPerModule).toBeGreaterThanOrEqual(300);
    expect(testFiles).toHaveLength(DEFAULT_SHAPE.modules);
    const tests = testFiles.map((path) => files.get(path)?.match(/^ {2}it\(/gm)?.length ?? 0);
    expect(tests.reduce((a, b) => a + b, 0)).toBe(320);
  });

  it("imports only its own module in each test file, so vitest related picks one file", () => {
    for (let i = 0; i < DEFAULT_SHAPE.modules; i += 1) {
      const text = files.get(`test/${moduleName(i)}.test.ts`) ?? "";
      const imports = [...text.matchAll(/from "(\.[^"]+)"/g)].map((m) => m[1]);
      expect(imports).toEqual([`../src/${moduleName(i)}.js`]);
    }
  });

  it("configures a full and a related form of one tests check", () => {
    const rules = files.get(".orchestrator/quality_rules.yaml") ?? "";
    expect(rules).toMatch(/command: >-\n\s+node_modules\/\.bin\/vitest run /);
    expect(rules).toMatch(/related: >-\n\s+node_modules\/\.bin\/vitest related --run /);
    expect(rules).toContain("{files}");
  });
});
