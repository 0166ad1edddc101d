import { describe, expect, it } from "vitest";
import { LineSplitter } from "./line-splitter.js";

describe("LineSplitter", () => {
  it("joins a line split across chunks and splits a chunk holding several lines", () => {
    const lines = new LineSplitter();
    expect(lines.push('{"a":')).toEqual([]);
    expect(lines.push('1}\n{"b":2}\n{"c"')).toEqual(['{"a":1}', '{"b":2}']);
    expect(lines.push(":3}\n")).toEqual(['{"c":3}']);
  });

  it("ends lines at CRLF too and drops empty lines", () => {
    const lines = new LineSplitter();
    expect(lines.push("one\r\n\r\ntwo\n\n")).toEqual(["one", "two"]);
  });

  it("keeps multi-byte text whole and gives the unterminated last line on flush", () => {
    const lines = new LineSplitter();
    expect(lines.push("zażółć\ngęślą")).toEqual(["zażółć"]);
    expect(lines.flush()).toEqual(["gęślą"]);
    expect(lines.flush()).toEqual([]);
  });
});
