import { describe, expect, it } from "vitest";
import { fixture } from "../../../test/support/report-fixtures.js";
import { parseTap } from "./tap.js";

describe("parseTap", () => {
  it("names mocha's failing test with its describe path, message and location", () => {
    const results = parseTap(fixture("mocha.tap"));
    expect(results.map((r) => [r.name, r.status])).toEqual([
      ["top level", "passed"],
      ["slug lowercases", "passed"],
      ["slug fails", "failed"],
      ["slug nested deep ok", "passed"],
    ]);
    const failed = results.find((r) => r.status === "failed");
    expect(failed?.message).toBe("Expected values to be strictly equal:");
    expect(failed?.location).toBe("/project/test/a.test.js:4:30");
  });

  it("reads node:test subtests as leaf tests under their suite, not the suite itself", () => {
    const results = parseTap(fixture("node-test.tap"));
    expect(results.map((r) => [r.suite, r.name, r.status])).toEqual([
      ["suite", "a", "passed"],
      ["suite", "b", "failed"],
      ["", "top", "passed"],
    ]);
    expect(results[1]?.message).toBe("Expected values to be strictly equal:");
    expect(results[1]?.location).toBe("/project/n.test.mjs:3:69");
  });

  it("takes tape's test name from the comment before its assertions", () => {
    const results = parseTap(fixture("tape.tap"));
    expect(results.map((r) => [r.suite, r.status])).toEqual([
      ["slugify lowercases", "passed"],
      ["slugify trims dashes", "failed"],
      ["slugify keeps digits", "passed"],
      ["slugify keeps digits", "skipped"],
    ]);
    expect(results[1]?.location).toBe("/project/test/slug.js:9:5");
    expect(results[3]?.message).toBe("no locale data");
  });

  it("returns no tests for output that is not TAP", () => {
    expect(parseTap("Error: Cannot find module 'mocha'\n")).toEqual([]);
  });
});
