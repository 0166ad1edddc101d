import { describe, expect, it } from "vitest";
import { code, codeBlock, count, duration, table } from "./markdown.js";

describe("run log Markdown helpers", () => {
  it("keeps model text from breaking tables, inline code and code blocks", () => {
    expect(table(["A"], [["x | y\nz"]])).toBe("| A |\n| --- |\n| x \\| y z |");
    expect(code("use `npm test`")).toBe("`` use `npm test` ``");
    expect(codeBlock("a\n````\nb", "  ")).toBe("  `````text\n  a\n  ````\n  b\n  `````");
  });

  it("formats numbers and durations the same way everywhere", () => {
    expect(count(1234567)).toBe("1,234,567");
    expect([850, 12_340, 754_000, 3_725_000].map(duration)).toEqual([
      "850 ms",
      "12.3 s",
      "12m34s",
      "1h02m05s",
    ]);
  });
});
