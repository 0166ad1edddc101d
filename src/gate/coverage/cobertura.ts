import { buildReport, countLines } from "./merge.js";
import { joinSourcePath, normaliseCoveragePath } from "./paths.js";
import { CoverageParseError } from "./types.js";
import type { CoverageReport, FileCoverage, ParseOptions } from "./types.js";
import { childrenNamed, localName, parseXml, XmlParseError, type XmlElement } from "../xml.js";

function intAttr(attrs: Readonly<Record<string, string>>, name: string, where: string): number {
  const raw = attrs[name];
  const text = (raw ?? "").trim();
  // coverage.py writes integers; some producers write "1.0".
  if (!/^\d+(?:\.0+)?$/.test(text)) {
    throw new CoverageParseError(`Cobertura ${where}: bad ${name}=${JSON.stringify(raw ?? null)}`);
  }
  return Math.trunc(Number(text));
}

function readRoot(xml: string): XmlElement {
  try {
    return parseXml(xml);
  } catch (err) {
    if (err instanceof XmlParseError) {
      throw new CoverageParseError(`bad Cobertura XML: ${err.message}`);
    }
    throw err;
  }
}

/** The lines of one `<class>` (its own `lines/line`, not those repeated under `methods`). */
function classLineHits(cls: XmlElement, path: string): Map<number, number> {
  const lineHits = new Map<number, number>();
  for (const lines of childrenNamed(cls, "lines")) {
    for (const line of childrenNamed(lines, "line")) {
      const n = intAttr(line.attributes, "number", `line in ${path}`);
      const hits = intAttr(line.attributes, "hits", `line ${n} of ${path}`);
      lineHits.set(n, (lineHits.get(n) ?? 0) + hits);
    }
  }
  return lineHits;
}

/** Every `<class>` inside a `<classes>`, at any depth (producers differ on `<packages>`). */
function classesOf(element: XmlElement): XmlElement[] {
  const found: XmlElement[] = [];
  for (const child of element.children) {
    if (localName(child) === "classes") found.push(...childrenNamed(child, "class"));
    else if (localName(child) !== "class") found.push(...classesOf(child));
  }
  return found;
}

/**
 * Parses a Cobertura XML report (`coverage/packages/package/classes/class[@filename]/lines/line`
 * with `number` and `hits`). Lines under `methods/method` repeat the class's lines and are
 * ignored. Relative file names are resolved against the first `<source>` before being made
 * relative to `options.root`; when that does not land under the root the name is kept as written.
 * Classes of the same file (Java inner classes) are merged.
 */
export function parseCobertura(xml: string, options: ParseOptions = {}): CoverageReport {
  const root = readRoot(xml);
  if (localName(root) !== "coverage") {
    throw new CoverageParseError(`not a Cobertura report: root element is <${root.name}>`);
  }
  const sources = childrenNamed(root, "sources")
    .flatMap((s) => childrenNamed(s, "source"))
    .map((s) => s.text.trim())
    .filter((s) => s !== "");
  const files: FileCoverage[] = [];
  for (const cls of classesOf(root)) {
    const filename = cls.attributes.filename;
    if (filename === undefined || filename.trim() === "") {
      throw new CoverageParseError("Cobertura <class> without a filename");
    }
    const path = resolvePath(filename, sources, options.root);
    const lineHits = classLineHits(cls, path);
    files.push({ path, lineHits, lines: countLines(lineHits) });
  }
  return buildReport("cobertura", files);
}

function resolvePath(
  filename: string,
  sources: readonly string[],
  root: string | undefined,
): string {
  const source = sources[0];
  if (root === undefined || source === undefined) return normaliseCoveragePath(filename, root);
  const joined = normaliseCoveragePath(joinSourcePath(source, filename), root);
  // Outside the root (a report made on another machine): keep the name as written.
  return joined.startsWith("/") || /^[A-Za-z]:\//.test(joined)
    ? normaliseCoveragePath(filename, root)
    : joined;
}
