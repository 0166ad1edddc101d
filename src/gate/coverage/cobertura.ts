import { buildReport, countLines } from "./merge.js";
import { joinSourcePath, normaliseCoveragePath } from "./paths.js";
import { CoverageParseError } from "./types.js";
import type { CoverageReport, FileCoverage, ParseOptions } from "./types.js";
import { readXml, XmlSyntaxError } from "./xml.js";

function intAttr(attrs: ReadonlyMap<string, string>, name: string, where: string): number {
  const raw = attrs.get(name);
  const text = (raw ?? "").trim();
  // coverage.py writes integers; some producers write "1.0".
  if (!/^\d+(?:\.0+)?$/.test(text)) {
    throw new CoverageParseError(`Cobertura ${where}: bad ${name}=${JSON.stringify(raw ?? null)}`);
  }
  return Math.trunc(Number(text));
}

/**
 * Parses a Cobertura XML report (`coverage/packages/package/classes/class[@filename]/lines/line`
 * with `number` and `hits`). Lines under `methods/method` repeat the class's lines and are
 * ignored. Relative file names are resolved against the first `<source>` before being made
 * relative to `options.root`; when that does not land under the root the name is kept as written.
 * Classes of the same file (Java inner classes) are merged.
 */
export function parseCobertura(xml: string, options: ParseOptions = {}): CoverageReport {
  const stack: string[] = [];
  const sources: string[] = [];
  const files: FileCoverage[] = [];
  let sourceText: string | null = null;
  let cls: { path: string; lineHits: Map<number, number> } | null = null;
  let sawRoot = false;
  try {
    for (const ev of readXml(xml)) {
      if (ev.kind === "text") {
        if (sourceText !== null) sourceText += ev.text;
        continue;
      }
      if (ev.kind === "close") {
        stack.pop();
        if (ev.name === "source" && sourceText !== null) {
          if (sourceText.trim() !== "") sources.push(sourceText.trim());
          sourceText = null;
        } else if (ev.name === "class" && cls !== null) {
          files.push({ path: cls.path, lineHits: cls.lineHits, lines: countLines(cls.lineHits) });
          cls = null;
        }
        continue;
      }
      const parent = stack[stack.length - 1];
      const grandparent = stack[stack.length - 2];
      if (stack.length === 0) {
        if (ev.name !== "coverage") {
          throw new CoverageParseError(`not a Cobertura report: root element is <${ev.name}>`);
        }
        sawRoot = true;
      } else if (ev.name === "source" && parent === "sources") {
        sourceText = "";
      } else if (ev.name === "class" && parent === "classes") {
        const filename = ev.attrs.get("filename");
        if (filename === undefined || filename.trim() === "") {
          throw new CoverageParseError("Cobertura <class> without a filename");
        }
        cls = { path: resolvePath(filename, sources, options.root), lineHits: new Map() };
      } else if (
        ev.name === "line" &&
        parent === "lines" &&
        grandparent === "class" &&
        cls !== null
      ) {
        const n = intAttr(ev.attrs, "number", `line in ${cls.path}`);
        const hits = intAttr(ev.attrs, "hits", `line ${n} of ${cls.path}`);
        cls.lineHits.set(n, (cls.lineHits.get(n) ?? 0) + hits);
      }
      stack.push(ev.name);
    }
  } catch (err) {
    if (err instanceof XmlSyntaxError)
      throw new CoverageParseError(`bad Cobertura XML: ${err.message}`);
    throw err;
  }
  if (!sawRoot) throw new CoverageParseError("not a Cobertura report: no <coverage> element");
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
