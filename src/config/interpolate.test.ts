import { describe, expect, it } from "vitest";
import { interpolate } from "./interpolate.js";

const env = { HOME: "/home/me", EMPTY: "", NAME: "x" };

describe("interpolate", () => {
  it.each([
    ["plain", "plain"],
    ["${HOME}/x", "/home/me/x"],
    ["${NAME}-${NAME}", "x-x"],
    ["${MISSING:-fallback}", "fallback"],
    ["${EMPTY:-fallback}", "fallback"],
    ["${HOME:-fallback}", "/home/me"],
    ["${MISSING:-}", ""],
    ["${EMPTY}", ""],
    ["$${HOME}", "${HOME}"],
    ["cost $5", "cost $5"],
    ["$HOME", "$HOME"],
  ])("%j -> %j", (text, value) => {
    expect(interpolate(text, env)).toEqual({ ok: true, value });
  });

  it("reports an unset variable without a default", () => {
    expect(interpolate("a ${MISSING} b", env)).toEqual({
      ok: false,
      message: "environment variable MISSING is not set (use ${MISSING:-default} for a default)",
    });
  });

  it("reports a malformed reference", () => {
    const result = interpolate("echo ${#arr}", env);
    expect(result.ok).toBe(false);
    expect(result.ok ? "" : result.message).toContain('invalid variable reference "${#arr}"');
  });
});
