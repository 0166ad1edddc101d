import { describe, expect, it } from "vitest";
import { findCycles } from "./task-graph.js";

const t = (id: string, ...dependsOn: string[]) => ({ id, dependsOn });

describe("findCycles", () => {
  it("finds nothing in a DAG", () => {
    expect(findCycles([t("A", "B", "C"), t("B", "C"), t("C")])).toEqual([]);
  });

  it("names a cycle from the task that comes first", () => {
    expect(findCycles([t("C", "A"), t("A", "B"), t("B", "C")])).toEqual([["C", "A", "B", "C"]]);
    expect(findCycles([t("A", "B"), t("B", "A")])).toEqual([["A", "B", "A"]]);
  });

  it("finds self-dependencies and separate cycles once each", () => {
    expect(findCycles([t("A", "A"), t("B", "C"), t("C", "B"), t("D", "B")])).toEqual([
      ["A", "A"],
      ["B", "C", "B"],
    ]);
  });

  it("ignores unknown ids", () => {
    expect(findCycles([t("A", "Z")])).toEqual([]);
  });
});
