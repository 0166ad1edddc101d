/**
 * A small, strict XML reader, sufficient for JUnit reports: elements, attributes, text, CDATA,
 * comments, processing instructions, a DOCTYPE (skipped) and the predefined and numeric
 * entities. It does not resolve DTD-declared entities or namespaces (prefixes are kept in names).
 */

export interface XmlElement {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: readonly XmlElement[];
  /** Concatenated text and CDATA directly inside this element, entities decoded. */
  readonly text: string;
}

export class XmlParseError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} at offset ${offset}`);
    this.name = "XmlParseError";
  }
}

interface MutableElement {
  name: string;
  attributes: Record<string, string>;
  children: MutableElement[];
  text: string;
}

const NAME = /[A-Za-z_:][\w:.-]*/y;
const ATTRIBUTE = /\s+([A-Za-z_:][\w:.-]*)\s*=\s*(?:"([^"<]*)"|'([^'<]*)')/y;
const TAG_END = /\s*(\/?)>/y;
const PREDEFINED: Readonly<Record<string, string>> = {
  lt: "<",
  gt: ">",
  amp: "&",
  quot: '"',
  apos: "'",
};

/** Decodes the predefined and numeric character references; unknown ones are an error. */
export function decodeEntities(raw: string, offset = 0): string {
  return raw.replace(/&([^;&\s]*);?/g, (whole, body: string, at: number) => {
    if (!whole.endsWith(";")) throw new XmlParseError("Unterminated entity", offset + at);
    if (body.startsWith("#")) {
      const hex = body.startsWith("#x") || body.startsWith("#X");
      const digits = hex ? body.slice(2) : body.slice(1);
      const valid = hex ? /^[0-9a-fA-F]+$/.test(digits) : /^[0-9]+$/.test(digits);
      const code = valid ? Number.parseInt(digits, hex ? 16 : 10) : Number.NaN;
      if (!Number.isInteger(code) || code < 0 || code > 0x10ffff) {
        throw new XmlParseError(`Invalid character reference &${body};`, offset + at);
      }
      return String.fromCodePoint(code);
    }
    const value = PREDEFINED[body];
    if (value === undefined) throw new XmlParseError(`Unknown entity &${body};`, offset + at);
    return value;
  });
}

function skipPast(xml: string, from: number, terminator: string, what: string): number {
  const end = xml.indexOf(terminator, from);
  if (end < 0) throw new XmlParseError(`Unterminated ${what}`, from);
  return end + terminator.length;
}

/** Skips a DOCTYPE declaration, including a bracketed internal subset. */
function skipDoctype(xml: string, from: number): number {
  let depth = 0;
  for (let i = from; i < xml.length; i++) {
    const c = xml[i];
    if (c === "[") depth++;
    else if (c === "]") depth--;
    else if (c === ">" && depth <= 0) return i + 1;
  }
  throw new XmlParseError("Unterminated DOCTYPE", from);
}

/** Parses a document and returns its root element. */
export function parseXml(xml: string): XmlElement {
  const stack: MutableElement[] = [];
  let root: MutableElement | undefined;
  let i = xml.startsWith("\uFEFF") ? 1 : 0;

  const appendText = (text: string, at: number): void => {
    const top = stack.at(-1);
    if (top) top.text += text;
    else if (text.trim() !== "") throw new XmlParseError("Text outside the root element", at);
  };

  while (i < xml.length) {
    const lt = xml.indexOf("<", i);
    if (lt < 0) {
      appendText(decodeEntities(xml.slice(i), i), i);
      break;
    }
    if (lt > i) appendText(decodeEntities(xml.slice(i, lt), i), i);
    i = lt;

    if (xml.startsWith("<!--", i)) {
      i = skipPast(xml, i + 4, "-->", "comment");
    } else if (xml.startsWith("<![CDATA[", i)) {
      const end = xml.indexOf("]]>", i + 9);
      if (end < 0) throw new XmlParseError("Unterminated CDATA section", i);
      appendText(xml.slice(i + 9, end), i);
      i = end + 3;
    } else if (xml.startsWith("<?", i)) {
      i = skipPast(xml, i + 2, "?>", "processing instruction");
    } else if (xml.startsWith("<!DOCTYPE", i) || xml.startsWith("<!doctype", i)) {
      i = skipDoctype(xml, i + 9);
    } else if (xml.startsWith("</", i)) {
      NAME.lastIndex = i + 2;
      const match = NAME.exec(xml);
      if (!match) throw new XmlParseError("Malformed closing tag", i);
      const name = match[0];
      const close = xml.indexOf(">", NAME.lastIndex);
      if (close < 0 || xml.slice(NAME.lastIndex, close).trim() !== "") {
        throw new XmlParseError("Malformed closing tag", i);
      }
      const open = stack.pop();
      if (open?.name !== name) {
        throw new XmlParseError(`Closing tag </${name}> does not match <${open?.name ?? ""}>`, i);
      }
      i = close + 1;
    } else {
      NAME.lastIndex = i + 1;
      const match = NAME.exec(xml);
      if (!match) throw new XmlParseError("Malformed tag", i);
      const element: MutableElement = { name: match[0], attributes: {}, children: [], text: "" };
      let pos = NAME.lastIndex;
      for (;;) {
        ATTRIBUTE.lastIndex = pos;
        const attr = ATTRIBUTE.exec(xml);
        if (!attr) break;
        const [, key = "", double, single] = attr;
        if (Object.hasOwn(element.attributes, key)) {
          throw new XmlParseError(`Duplicate attribute ${key}`, pos);
        }
        element.attributes[key] = decodeEntities(double ?? single ?? "", pos);
        pos = ATTRIBUTE.lastIndex;
      }
      TAG_END.lastIndex = pos;
      const end = TAG_END.exec(xml);
      if (!end) throw new XmlParseError(`Malformed tag <${element.name}>`, i);
      const parent = stack.at(-1);
      if (parent) parent.children.push(element);
      else if (root) throw new XmlParseError("More than one root element", i);
      else root = element;
      if (end[1] !== "/") stack.push(element);
      i = TAG_END.lastIndex;
    }
  }

  const unclosed = stack.at(-1);
  if (unclosed) throw new XmlParseError(`Unclosed element <${unclosed.name}>`, xml.length);
  if (!root) throw new XmlParseError("No root element", 0);
  return root;
}

/** The element's name without a namespace prefix. */
export function localName(element: XmlElement): string {
  const colon = element.name.lastIndexOf(":");
  return colon < 0 ? element.name : element.name.slice(colon + 1);
}
