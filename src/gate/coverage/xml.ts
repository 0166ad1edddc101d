/**
 * A small, forgiving XML event reader: enough for coverage reports (elements, attributes, text),
 * not a validating parser. Comments, processing instructions, DOCTYPE and CDATA are skipped
 * (CDATA text is reported as text).
 */
export type XmlEvent =
  | {
      readonly kind: "open";
      readonly name: string;
      readonly attrs: ReadonlyMap<string, string>;
      readonly selfClosing: boolean;
    }
  | { readonly kind: "close"; readonly name: string }
  | { readonly kind: "text"; readonly text: string };

export class XmlSyntaxError extends Error {
  override readonly name = "XmlSyntaxError";
}

const NAMED: Readonly<Record<string, string>> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
};

/** Decodes the five predefined entities and numeric character references. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|[A-Za-z]+);/g, (whole, ref: string) => {
    if (ref.startsWith("#x")) return safeCodePoint(parseInt(ref.slice(2), 16), whole);
    if (ref.startsWith("#")) return safeCodePoint(parseInt(ref.slice(1), 10), whole);
    return NAMED[ref] ?? whole;
  });
}

function safeCodePoint(cp: number, fallback: string): string {
  return Number.isInteger(cp) && cp >= 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : fallback;
}

const ATTR = /([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

function parseAttrs(text: string, offset: number): Map<string, string> {
  const attrs = new Map<string, string>();
  ATTR.lastIndex = 0;
  let consumed = 0;
  for (const m of text.matchAll(ATTR)) {
    if (text.slice(consumed, m.index).trim() !== "") {
      throw new XmlSyntaxError(`malformed attributes near offset ${offset + consumed}`);
    }
    const name = m[1] ?? "";
    attrs.set(name, decodeEntities(m[2] ?? m[3] ?? ""));
    consumed = m.index + m[0].length;
  }
  if (text.slice(consumed).trim() !== "") {
    throw new XmlSyntaxError(`malformed attributes near offset ${offset + consumed}`);
  }
  return attrs;
}

function indexOrThrow(xml: string, needle: string, from: number, what: string): number {
  const i = xml.indexOf(needle, from);
  if (i < 0) throw new XmlSyntaxError(`unterminated ${what} at offset ${from}`);
  return i;
}

/** Yields the events of `xml` in document order; checks that tags are balanced. */
export function* readXml(xml: string): Generator<XmlEvent> {
  const stack: string[] = [];
  let pos = 0;
  while (pos < xml.length) {
    const lt = xml.indexOf("<", pos);
    if (lt < 0) {
      const tail = xml.slice(pos);
      if (tail.trim() !== "") yield { kind: "text", text: decodeEntities(tail) };
      break;
    }
    if (lt > pos) yield { kind: "text", text: decodeEntities(xml.slice(pos, lt)) };
    if (xml.startsWith("<!--", lt)) {
      pos = indexOrThrow(xml, "-->", lt + 4, "comment") + 3;
    } else if (xml.startsWith("<![CDATA[", lt)) {
      const end = indexOrThrow(xml, "]]>", lt + 9, "CDATA section");
      yield { kind: "text", text: xml.slice(lt + 9, end) };
      pos = end + 3;
    } else if (xml.startsWith("<?", lt)) {
      pos = indexOrThrow(xml, "?>", lt + 2, "processing instruction") + 2;
    } else if (xml.startsWith("<!", lt)) {
      // DOCTYPE, possibly with an internal subset in brackets.
      const bracket = xml.indexOf("[", lt);
      const close = indexOrThrow(xml, ">", lt, "declaration");
      pos =
        bracket >= 0 && bracket < close
          ? indexOrThrow(xml, ">", indexOrThrow(xml, "]", bracket, "DOCTYPE subset"), "DOCTYPE") + 1
          : close + 1;
    } else {
      const end = findTagEnd(xml, lt);
      const body = xml.slice(lt + 1, end);
      pos = end + 1;
      if (body.startsWith("/")) {
        const name = body.slice(1).trim();
        const open = stack.pop();
        if (open !== name) {
          throw new XmlSyntaxError(`</${name}> at offset ${lt} closes <${open ?? "nothing"}>`);
        }
        yield { kind: "close", name };
        continue;
      }
      const selfClosing = body.endsWith("/");
      const inner = selfClosing ? body.slice(0, -1) : body;
      const nameMatch = /^[A-Za-z_:][\w:.-]*/.exec(inner);
      if (nameMatch === null) throw new XmlSyntaxError(`bad tag at offset ${lt}`);
      const name = nameMatch[0];
      const attrs = parseAttrs(inner.slice(name.length), lt + 1 + name.length);
      yield { kind: "open", name, attrs, selfClosing };
      if (selfClosing) yield { kind: "close", name };
      else stack.push(name);
    }
  }
  if (stack.length > 0) throw new XmlSyntaxError(`unclosed <${stack[stack.length - 1] ?? ""}>`);
}

/** The `>` ending the tag that starts at `lt`, skipping `>` inside quoted attribute values. */
function findTagEnd(xml: string, lt: number): number {
  let quote: string | null = null;
  for (let i = lt + 1; i < xml.length; i++) {
    const c = xml[i];
    if (quote !== null) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === ">") {
      return i;
    }
  }
  throw new XmlSyntaxError(`unterminated tag at offset ${lt}`);
}
