import { describe, expect, it } from "vitest";
import { buildProposals } from "./build-proposals.js";
import type { Finding } from "./findings.js";
import { areaOf, ProposalSchema, withUniqueIds } from "./proposal.js";

const findings: Finding[] = [
  { kind: "todo", file: "src/api/routes.ts", line: 4, tag: "TODO", text: "validate the body" },
  { kind: "todo", file: "src/api/routes.ts", line: 9, tag: "FIXME", text: "" },
  { kind: "low-coverage", check: "test", file: "src/io.js", percent: 20, target: 80 },
  {
    kind: "warnings",
    check: "lint",
    file: "src/b.js",
    count: 2,
    rules: ["eqeqeq"],
    first: "1: eqeqeq x",
  },
  {
    kind: "task-history",
    taskId: "T-3",
    state: "ESCALATED",
    reason: "gate_failed",
    detail: "tests failed: test_zero",
    goal: "Add divide",
    risk: "high",
    area: "math",
    files: ["src/calc.py"],
  },
  { kind: "failing-test", check: "test", test: "a", file: "test/x.test.js", message: "boom" },
  { kind: "failing-test", check: "test", test: "b", file: "test/x.test.js" },
];

describe("buildProposals", () => {
  it("groups findings into valid tasks, most pressing first, each with its evidence", () => {
    const proposals = buildProposals(findings);
    expect(proposals.map((p) => p.id)).toEqual([
      "fix-tests-test-x-test-js",
      "redo-t-3",
      "fix-warnings-src-b-js",
      "resolve-todos-src-api-routes-ts",
      "cover-src-io-js",
    ]);
    for (const p of proposals) expect(ProposalSchema.parse(p)).toEqual(p);
    const [tests, redo, warnings, todos, cover] = proposals;
    expect(tests).toMatchObject({
      risk: "medium",
      area: "tests",
      context_files: ["test/x.test.js"],
    });
    expect(tests?.goal).toContain("test/x.test.js pass again: a, b");
    expect(tests?.evidence).toEqual([
      "test: test a (test/x.test.js) fails on HEAD: boom",
      "test: test b (test/x.test.js) fails on HEAD",
    ]);
    expect(redo).toMatchObject({ risk: "high", area: "math", context_files: ["src/calc.py"] });
    expect(redo?.goal).toContain("was escalated (gate_failed): tests failed: test_zero");
    expect(redo?.goal).toContain("Its goal: Add divide");
    expect(warnings?.constraints).toContain("ZERO-WARNINGS");
    expect(todos).toMatchObject({ area: "api", risk: "low" });
    expect(todos?.goal).toContain("line 4: validate the body; line 9: FIXME");
    expect(todos?.evidence).toEqual([
      "src/api/routes.ts:4: TODO validate the body",
      "src/api/routes.ts:9: FIXME",
    ]);
    expect(cover?.goal).toContain("20.0% of its lines are covered, under the 80% target");
  });

  it("proposes nothing without findings", () => {
    expect(buildProposals([])).toEqual([]);
  });
});

describe("withUniqueIds", () => {
  it("never reuses an existing task's id or another proposal's", () => {
    const [p] = buildProposals(findings.slice(0, 1));
    if (p === undefined) throw new Error("no proposal");
    const ids = withUniqueIds([p, p, { ...p, id: "bad id!" }], [p.id, `${p.id}-2`]).map(
      (x) => x.id,
    );
    expect(ids).toEqual([`${p.id}-3`, `${p.id}-4`, "bad-id"]);
  });
});

describe("areaOf", () => {
  it("reads the area from the path", () => {
    expect(areaOf("src/api/routes.ts")).toBe("api");
    expect(areaOf("test/calc.test.js")).toBe("tests");
    expect(areaOf("docs/guide.md")).toBe("docs");
    expect(areaOf("services/mail/send.py")).toBe("services");
    expect(areaOf("calc.py")).toBe("core");
  });
});
