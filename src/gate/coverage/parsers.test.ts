import { describe, expect, it } from "vitest";
import {
  CoverageParseError,
  normaliseCoveragePath,
  parseCobertura,
  parseIstanbulSummary,
  parseLcov,
  totalCoverage,
} from "./index.js";

describe("normaliseCoveragePath", () => {
  it.each([
    ["/repo/src/a.ts", "/repo", "src/a.ts"],
    ["/repo/src/a.ts", "/repo/", "src/a.ts"],
    ["./src/../src/a.ts", "/repo", "src/a.ts"],
    ["/elsewhere/a.ts", "/repo", "/elsewhere/a.ts"],
    ["/repository/a.ts", "/repo", "/repository/a.ts"],
    ["C:\\Work\\Repo\\src\\a.ts", "c:\\work\\repo", "src/a.ts"],
    ["src\\a.ts", undefined, "src/a.ts"],
    ["/repo/a.ts", undefined, "/repo/a.ts"],
  ])("%s under %s → %s", (path, root, expected) => {
    expect(normaliseCoveragePath(path, root)).toBe(expected);
  });
});

describe("parseLcov", () => {
  it("reads DA, LF/LH, BRDA and FNF/FNH and makes paths relative", () => {
    const report = parseLcov(
      [
        "TN:",
        "SF:/repo/src/a.ts",
        "FN:1,f",
        "FNDA:3,f",
        "FNF:1",
        "FNH:1",
        "DA:1,3",
        "DA:2,0",
        "DA:4,1,abcdef",
        "BRDA:2,0,0,1",
        "BRDA:2,0,1,-",
        "BRF:2",
        "BRH:1",
        "LF:3",
        "LH:2",
        "end_of_record",
      ].join("\r\n"),
      { root: "/repo" },
    );
    expect(report.format).toBe("lcov");
    expect(report.files).toEqual([
      {
        path: "src/a.ts",
        lineHits: new Map([
          [1, 3],
          [2, 0],
          [4, 1],
        ]),
        lines: { found: 3, hit: 2 },
        branches: { found: 2, hit: 1 },
        functions: { found: 1, hit: 1 },
      },
    ]);
  });

  it("merges repeated records of a file by summing hits, and sorts files", () => {
    const report = parseLcov(
      "SF:b.ts\nDA:1,0\nend_of_record\nSF:a.ts\nDA:1,0\nDA:2,0\nend_of_record\nSF:b.ts\nDA:1,2\nDA:3,0\nend_of_record\n",
    );
    expect(report.files.map((f) => f.path)).toEqual(["a.ts", "b.ts"]);
    expect(report.files[1]?.lineHits).toEqual(
      new Map([
        [1, 2],
        [3, 0],
      ]),
    );
    expect(report.files[1]?.lines).toEqual({ found: 2, hit: 1 });
    expect(totalCoverage(report)).toBe(25);
  });

  it("keeps LF/LH totals when a record has no DA lines", () => {
    const report = parseLcov("SF:a.ts\nLF:10\nLH:4\nend_of_record");
    expect(report.files[0]).toEqual({ path: "a.ts", lineHits: null, lines: { found: 10, hit: 4 } });
  });

  it("finishes a record missing end_of_record and tolerates float hits", () => {
    const report = parseLcov("SF:a.ts\nDA:1,1.0\nDA:2,0\nSF:b.ts\nDA:5,7");
    expect(report.files.map((f) => [f.path, f.lines])).toEqual([
      ["a.ts", { found: 2, hit: 1 }],
      ["b.ts", { found: 1, hit: 1 }],
    ]);
  });

  it("an empty tracefile is an empty report at 100 %", () => {
    const report = parseLcov("");
    expect(report.files).toEqual([]);
    expect(totalCoverage(report)).toBe(100);
  });

  it.each([
    ["DA:1,1\n", /outside a record/],
    ["SF:a.ts\nDA:x,1\n", /line 2: bad line number/],
    ["SF:a.ts\nDA:1\n", /bad hit count/],
    ["SF:a.ts\nLF:-1\n", /bad LF/],
    ["SF:a.ts\nBRDA:1,0\n", /bad BRDA/],
  ])("rejects %j", (text, message) => {
    expect(() => parseLcov(text)).toThrow(CoverageParseError);
    expect(() => parseLcov(text)).toThrow(message);
  });
});

describe("parseIstanbulSummary", () => {
  const metric = (total: number, covered: number): object => ({
    total,
    covered,
    skipped: 0,
    pct: total === 0 ? "Unknown" : (covered / total) * 100,
  });
  const doc = {
    total: { lines: metric(6, 3), statements: metric(6, 3) },
    "/repo/src/b.ts": {
      lines: metric(2, 0),
      statements: metric(2, 0),
      functions: metric(1, 0),
      branches: metric(0, 0),
    },
    "/repo/src/a.ts": { lines: metric(4, 3) },
  };

  it("reads per-file totals from the object or its JSON text, skipping `total`", () => {
    for (const input of [doc, JSON.stringify(doc)]) {
      const report = parseIstanbulSummary(input, { root: "/repo" });
      expect(report.format).toBe("istanbul-summary");
      expect(report.files).toEqual([
        { path: "src/a.ts", lineHits: null, lines: { found: 4, hit: 3 } },
        {
          path: "src/b.ts",
          lineHits: null,
          lines: { found: 2, hit: 0 },
          statements: { found: 2, hit: 0 },
          functions: { found: 1, hit: 0 },
          branches: { found: 0, hit: 0 },
        },
      ]);
      expect(totalCoverage(report)).toBe(50);
    }
  });

  it.each([
    ["{not json", /not JSON/],
    [[1, 2], /not an Istanbul coverage summary/],
    [{ "a.ts": { lines: { total: -1, covered: 0 } } }, /not an Istanbul coverage summary/],
    [{ "a.ts": { statements: { total: 1, covered: 0 } } }, /lines/],
  ])("rejects %j", (input, message) => {
    expect(() => parseIstanbulSummary(input)).toThrow(CoverageParseError);
    expect(() => parseIstanbulSummary(input)).toThrow(message);
  });
});

describe("parseCobertura", () => {
  const xml = `<?xml version="1.0" ?>
<!DOCTYPE coverage SYSTEM "http://cobertura.sourceforge.net/xml/coverage-04.dtd">
<!-- generated by coverage.py -->
<coverage version="7.6" line-rate="0.5" lines-valid="4" lines-covered="2">
  <sources>
    <source>/repo/pkg</source>
    <source>/other</source>
  </sources>
  <packages>
    <package name="pkg">
      <classes>
        <class name="a.py" filename="a.py" line-rate="0.5">
          <methods>
            <method name="f"><lines><line number="1" hits="9"/></lines></method>
          </methods>
          <lines>
            <line number="2" hits="1"/>
            <line number="3" hits='0' branch="true" condition-coverage="50% (1/2)"/>
          </lines>
        </class>
        <class name="Outer" filename="b &amp; c.java"><lines><line number="1" hits="0"/></lines></class>
        <class name="Outer$Inner" filename="b &amp; c.java">
          <lines><line number="1" hits="2"></line><line number="7" hits="1.0"/></lines>
        </class>
      </classes>
    </package>
  </packages>
</coverage>`;

  it("reads class lines, resolves names against the first source and merges classes", () => {
    const report = parseCobertura(xml, { root: "/repo" });
    expect(report.format).toBe("cobertura");
    expect(report.files).toEqual([
      {
        path: "pkg/a.py",
        lineHits: new Map([
          [2, 1],
          [3, 0],
        ]),
        lines: { found: 2, hit: 1 },
      },
      {
        path: "pkg/b & c.java",
        lineHits: new Map([
          [1, 2],
          [7, 1],
        ]),
        lines: { found: 2, hit: 2 },
      },
    ]);
  });

  it("keeps file names as written without a root or when the source lies elsewhere", () => {
    expect(parseCobertura(xml).files.map((f) => f.path)).toEqual(["a.py", "b & c.java"]);
    expect(parseCobertura(xml, { root: "/ci/checkout" }).files.map((f) => f.path)).toEqual([
      "a.py",
      "b & c.java",
    ]);
  });

  it("handles a report without sources or classes", () => {
    expect(parseCobertura("<coverage/>").files).toEqual([]);
    expect(
      parseCobertura(
        '<coverage><packages><package><classes><class filename="/repo/x.ts"><lines><line number="1" hits="0"/></lines></class></classes></package></packages></coverage>',
        { root: "/repo" },
      ).files.map((f) => f.path),
    ).toEqual(["x.ts"]);
  });

  it.each([
    ["<report/>", /root element is <report>/],
    ["", /bad Cobertura XML: Start tag expected/],
    ["<coverage><packages></coverage>", /Expected closing tag 'packages'/],
    ["<coverage>", /Unclosed tag 'coverage'/],
    ['<coverage><classes><class name="x"/></classes></coverage>', /without a filename/],
    [
      '<coverage><classes><class filename="a"><lines><line number="1"/></lines></class></classes></coverage>',
      /bad hits=null/,
    ],
    [
      '<coverage><classes><class filename="a"><lines><line number="-1" hits="1"/></lines></class></classes></coverage>',
      /bad number="-1"/,
    ],
    ["<coverage a=1/>", /bad Cobertura XML: .*Attribute 'a'/],
    ["<coverage><!-- never closed", /bad Cobertura XML: Comment is not closed/],
  ])("rejects %j", (input, message) => {
    expect(() => parseCobertura(input)).toThrow(CoverageParseError);
    expect(() => parseCobertura(input)).toThrow(message);
  });
});
