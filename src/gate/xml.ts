import { XMLParser } from "fast-xml-parser";
import { SyntaxValidator } from "fast-xml-validator";
import { z } from "zod";

/**
 * The gate's one XML reader (JUnit test reports and Cobertura coverage): a well-formedness
 * check by fast-xml-validator first (so a truncated report is an error naming its line and
 * column, never a silently short result), then fast-xml-parser's tree in document order.
 */

export interface XmlElement {
  /** The element's name as written, namespace prefix included. */
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: readonly XmlElement[];
  /** Concatenated text and CDATA directly inside this element, entities decoded. */
  readonly text: string;
}

export class XmlParseError extends Error {
  override readonly name = "XmlParseError";
}

const ATTRIBUTES = ":@";
const TEXT = "#text";
const CDATA = "#cdata";

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: "",
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  cdataPropName: CDATA,
  commentPropName: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  processEntities: true,
  // Numeric character references in attributes (`&#65;`) are decoded only with this on.
  htmlEntities: true,
});

/** What fast-xml-validator throws for malformed XML. */
const ValidatorErrorSchema = z.object({ message: z.string(), line: z.number(), col: z.number() });

/** One node of fast-xml-parser's ordered output: `{ [name]: children, ":@"?: attributes }`. */
type OrderedNode = Record<string, unknown>;

function isNode(value: unknown): value is OrderedNode {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function nodesOf(value: unknown): OrderedNode[] {
  return Array.isArray(value) ? value.filter(isNode) : [];
}

function stringRecord(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isNode(value)) return out;
  for (const [key, raw] of Object.entries(value)) {
    out[key] = typeof raw === "string" ? raw : String(raw);
  }
  return out;
}

function textOf(nodes: readonly OrderedNode[]): string {
  let text = "";
  for (const node of nodes) {
    const own = node[TEXT];
    if (typeof own === "string") text += own;
    const cdata = node[CDATA];
    if (cdata !== undefined) text += textOf(nodesOf(cdata));
  }
  return text;
}

function toElement(node: OrderedNode): XmlElement | undefined {
  const name = Object.keys(node).find((key) => key !== ATTRIBUTES);
  if (name === undefined || name === TEXT || name === CDATA) return undefined;
  const inner = nodesOf(node[name]);
  const children: XmlElement[] = [];
  for (const child of inner) {
    const element = toElement(child);
    if (element) children.push(element);
  }
  return { name, attributes: stringRecord(node[ATTRIBUTES]), children, text: textOf(inner) };
}

/** Parses a document and returns its root element; malformed XML throws {@link XmlParseError}. */
export function parseXml(xml: string): XmlElement {
  const source = xml.startsWith("\uFEFF") ? xml.slice(1) : xml;
  try {
    SyntaxValidator.validate(source);
  } catch (error) {
    const found = ValidatorErrorSchema.safeParse(error);
    if (!found.success) throw error;
    const { message, line, col } = found.data;
    throw new XmlParseError(`${message} (line ${String(line)}, column ${String(col)})`);
  }
  const top = nodesOf(parser.parse(source));
  if (textOf(top).trim() !== "") throw new XmlParseError("Text outside the root element");
  const roots = top.map(toElement).filter((e): e is XmlElement => e !== undefined);
  const [root, second] = roots;
  if (root === undefined) throw new XmlParseError("No root element");
  if (second !== undefined) throw new XmlParseError("More than one root element");
  return root;
}

/** The element's name without a namespace prefix. */
export function localName(element: XmlElement): string {
  const colon = element.name.lastIndexOf(":");
  return colon < 0 ? element.name : element.name.slice(colon + 1);
}

/** The direct children called `name` (namespace prefix ignored). */
export function childrenNamed(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((child) => localName(child) === name);
}
