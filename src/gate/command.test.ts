import { describe, expect, it } from "vitest";
import { expandCommand, shellQuote } from "./command.js";

describe("expandCommand", () => {
  const values = { files: ["src/a.ts", "it's here.ts"], base: "abc123" };

  it("quotes files into a shell command line", () => {
    expect(expandCommand("npx vitest related --run {files} # {base}", values)).toEqual([
      "sh",
      ["-c", `npx vitest related --run src/a.ts 'it'\\''s here.ts' # abc123`],
    ]);
  });

  it("spreads {files} into separate arguments of an argv command", () => {
    expect(
      expandCommand(["jest", "--findRelatedTests", "{files}", "--since={base}"], values),
    ).toEqual(["jest", ["--findRelatedTests", "src/a.ts", "it's here.ts", "--since=abc123"]]);
    expect(expandCommand(["pytest", "{files}"], { files: [], base: "" })).toEqual(["pytest", []]);
  });

  it("leaves plain words unquoted", () => {
    expect(shellQuote("a/b-c_d.ts")).toBe("a/b-c_d.ts");
  });
});
