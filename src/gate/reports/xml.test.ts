import { describe, expect, it } from "vitest";
import { decodeEntities, parseXml, XmlParseError } from "./xml.js";

describe("parseXml", () => {
  it("reads elements, attributes, entities, CDATA, comments and a DOCTYPE", () => {
    const root = parseXml(
      `<?xml version="1.0"?>\n<!DOCTYPE r [<!ELEMENT r ANY>]>\n<!-- c -->` +
        `<r a='1 &amp; 2' b="&#65;&#x42;"><c/>x &lt;y&gt;<![CDATA[<raw> & ]]></r>`,
    );
    expect(root.name).toBe("r");
    expect(root.attributes).toEqual({ a: "1 & 2", b: "AB" });
    expect(root.children.map((c) => c.name)).toEqual(["c"]);
    expect(root.text).toBe("x <y><raw> & ");
  });

  it.each([
    ["<a><b></a>", /does not match/],
    ["<a>", /Unclosed/],
    ["<a/><b/>", /More than one root/],
    ["<a>&bogus;</a>", /Unknown entity/],
    ["<a x='1' x='2'/>", /Duplicate attribute/],
    ["<a><![CDATA[x</a>", /Unterminated CDATA/],
    ["", /No root/],
    ["text", /outside the root/],
  ])("rejects %j", (xml, error) => {
    expect(() => parseXml(xml)).toThrow(error);
    expect(() => parseXml(xml)).toThrow(XmlParseError);
  });

  it("rejects bare ampersands and out-of-range references", () => {
    expect(() => decodeEntities("a & b")).toThrow(/Unterminated entity/);
    expect(() => decodeEntities("&#x110000;")).toThrow(/Invalid character reference/);
  });
});
