import { describe, expect, it } from "vitest";
import { DurationSchema, parseDuration } from "./duration.js";

describe("parseDuration", () => {
  it.each([
    [30, 30_000],
    [0.5, 500],
    ["45s", 45_000],
    ["90m", 5_400_000],
    ["2h", 7_200_000],
    ["1h30m", 5_400_000],
    ["1h 30m 15s", 5_415_000],
    ["1d", 86_400_000],
    ["250ms", 250],
    ["1.5h", 5_400_000],
    ["90", 90_000],
  ])("reads %j as %i ms", (input, ms) => {
    expect(parseDuration(input)).toBe(ms);
  });

  it.each([0, -5, "", "0s", "soon", "10 minutes", "1h30x", "h", "5w"])("rejects %j", (input) => {
    expect(parseDuration(input)).toBeUndefined();
  });
});

describe("DurationSchema", () => {
  it("accepts what parseDuration reads and rejects the rest with one message", () => {
    expect(DurationSchema.safeParse("1h30m").success).toBe(true);
    expect(DurationSchema.safeParse(12).success).toBe(true);
    const messages = ["0s", "soon", -1, true].map(
      (v) => DurationSchema.safeParse(v).error?.issues.map((i) => i.message) ?? [],
    );
    expect(messages).toEqual([
      ['expected a duration greater than zero, found "0s"'],
      ['expected a duration such as "90m", "1h30m", "45s" or a number of seconds, found "soon"'],
      ['expected a duration such as "90m", "1h30m", "45s" or a number of seconds, found -1'],
      ['expected a duration such as "90m", "1h30m", "45s" or a number of seconds, found true'],
    ]);
  });
});
