import { describe, expect, it } from "vitest";
import { parseConstraint } from "./task.js";

describe("parseConstraint", () => {
  it.each([
    ["ZERO-WARNINGS", { kind: "zero-warnings" }],
    ["zero warnings", { kind: "zero-warnings" }],
    ["80%+ test coverage", { kind: "coverage", minPercent: 80 }],
    ["85% coverage", { kind: "coverage", minPercent: 85 }],
    ["No breaking changes to public API", { kind: "no-breaking-changes" }],
    ["No breaking changes", { kind: "no-breaking-changes" }],
    ["*Respect the style guide*", { kind: "free-text" }],
    ["Keep functions small", { kind: "free-text" }],
    ["250% coverage", { kind: "free-text" }],
  ])("%s", (text, expected) => {
    expect(parseConstraint(text)).toMatchObject({ ...expected, text });
  });
});
