import { describe, expect, it } from "vitest";
import { childrenNamed, localName, parseXml, XmlParseError } from "./xml.js";

describe("parseXml", () => {
  it("reads elements, attributes, entities, CDATA, comments and a DOCTYPE", () => {
    const root = parseXml(
      `\uFEFF<?xml version="1.0"?>\n<!DOCTYPE r [<!ELEMENT r ANY>]>\n<!-- c -->` +
        `<r a='1 &amp; 2' b="&#65;&#x42;"><c/>x &lt;y&gt;<![CDATA[<raw> & ]]></r>`,
    );
    expect(root.name).toBe("r");
    expect(root.attributes).toEqual({ a: "1 & 2", b: "AB" });
    expect(root.children.map((c) => c.name)).toEqual(["c"]);
    expect(root.text).toBe("x <y><raw> & ");
  });

  it("keeps document order and namespace prefixes, and finds children by local name", () => {
    const root = parseXml(`<ns:r><ns:a n="1"/><b/><ns:a n="2">t</ns:a></ns:r>`);
    expect(localName(root)).toBe("r");
    expect(root.children.map((c) => c.name)).toEqual(["ns:a", "b", "ns:a"]);
    expect(childrenNamed(root, "a").map((c) => [c.attributes.n, c.text])).toEqual([
      ["1", ""],
      ["2", "t"],
    ]);
  });

  it.each([
    ["<a><b></a>", /Expected closing tag 'b'.*line 1, column 7/],
    ["<a>", /Unclosed tag 'a'/],
    ["<a/><b/>", /More than one root/],
    ["<a x='1' x='2'/>", /Attribute 'x' is repeated/],
    ["<a><![CDATA[x</a>", /CDATA section is not closed/],
    ["", /Start tag expected/],
    ["text", /char 't' is not expected/],
    ["<a>a & b</a>", /char '&' is not expected/],
    ["<testsuite>\n<testcase name='x'>", /Invalid .*testsuite.*testcase/s],
  ])("rejects %j", (xml, error) => {
    expect(() => parseXml(xml)).toThrow(error);
    expect(() => parseXml(xml)).toThrow(XmlParseError);
  });
});
