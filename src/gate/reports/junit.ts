import { z } from "zod";
import { localName, parseXml, type XmlElement } from "../xml.js";

/**
 * JUnit XML, as written by vitest (`--reporter=junit`), jest-junit, `pytest --junitxml` and other
 * JUnit producers: `testsuites > testsuite (nested allowed) > testcase > failure|error|skipped`.
 */

export const TestStatusSchema = z.enum(["passed", "failed", "error", "skipped"]);
export type TestStatus = z.infer<typeof TestStatusSchema>;

export const TestResultSchema = z.object({
  suite: z.string(),
  name: z.string(),
  file: z.string().optional(),
  status: TestStatusSchema,
  message: z.string().optional(),
  /** `file:line[:col]` of the failure (or of the test, when the report gives it). */
  location: z.string().optional(),
});
export type TestResult = z.infer<typeof TestResultSchema>;

/** Longest message kept from a failure's body when it has no `message` attribute. */
const MESSAGE_MAX = 500;

/** `path/to/file.ext:line[:col]`, as found in stack traces and pytest's reports. */
const LOCATION = /(?:^|[\s(❯>@])((?:[A-Za-z]:)?[\w./\\@+-]*\w\.[A-Za-z]\w*):(\d+)(?::(\d+))?/gu;

function children(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((c) => localName(c) === name);
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === "" ? undefined : trimmed;
}

/** The first `file:line[:col]` in a failure body, preferring one in `file`, skipping libraries. */
export function findLocation(body: string, file?: string): string | undefined {
  const found: string[] = [];
  for (const m of body.matchAll(LOCATION)) {
    const [, path = "", line = "", col] = m;
    if (/(?:^|[\\/])node_modules[\\/]|^node:|^internal[\\/]/.test(path)) continue;
    if (/(?:^|[\\/])(?:site-packages|_pytest|pluggy)[\\/]/.test(path)) continue;
    found.push(col === undefined ? `${path}:${line}` : `${path}:${line}:${col}`);
  }
  if (file !== undefined) {
    const norm = file.replaceAll("\\", "/");
    const inFile = found.find((loc) => {
      const path = loc.replaceAll("\\", "/").replace(/(?::\d+){1,2}$/, "");
      return path === norm || path.endsWith(`/${norm}`) || norm.endsWith(`/${path}`);
    });
    if (inFile !== undefined) return inFile;
  }
  return found[0];
}

function firstLines(text: string): string | undefined {
  const trimmed = nonEmpty(text);
  if (trimmed === undefined) return undefined;
  const line = trimmed.split(/\r?\n/).find((l) => l.trim() !== "") ?? trimmed;
  return line.length > MESSAGE_MAX ? `${line.slice(0, MESSAGE_MAX)}…` : line.trim();
}

function testCase(element: XmlElement, suiteName: string, suiteFile?: string): TestResult {
  const attrs = element.attributes;
  const name = attrs.name ?? "";
  const suite = nonEmpty(attrs.classname) ?? suiteName;
  const file = nonEmpty(attrs.file) ?? nonEmpty(attrs.filepath) ?? suiteFile;

  const failure = children(element, "failure")[0];
  const error = children(element, "error")[0];
  const skipped = children(element, "skipped")[0];
  const problem = failure ?? error;
  const status: TestStatus = failure
    ? "failed"
    : error
      ? "error"
      : skipped || attrs.status === "skipped" || attrs.status === "disabled"
        ? "skipped"
        : "passed";

  const result: TestResult = { suite, name, status };
  if (file !== undefined) result.file = file;
  const detail = problem ?? skipped;
  if (detail) {
    const message = nonEmpty(detail.attributes.message) ?? firstLines(detail.text);
    if (message !== undefined) result.message = message;
  }
  const line = nonEmpty(attrs.line);
  const location =
    problem !== undefined
      ? findLocation(`${problem.text}\n${problem.attributes.message ?? ""}`, file)
      : undefined;
  if (location !== undefined) result.location = location;
  else if (file !== undefined && line !== undefined && /^\d+$/.test(line)) {
    result.location = `${file}:${line}`;
  }
  return result;
}

function walk(element: XmlElement, suiteName: string, suiteFile: string | undefined): TestResult[] {
  const out: TestResult[] = [];
  for (const child of element.children) {
    const kind = localName(child);
    if (kind === "testsuite" || kind === "testsuites") {
      const name = nonEmpty(child.attributes.name) ?? suiteName;
      const file = nonEmpty(child.attributes.file) ?? nonEmpty(child.attributes.filepath);
      out.push(...walk(child, name, file ?? suiteFile));
    } else if (kind === "testcase") {
      out.push(testCase(child, suiteName, suiteFile));
    }
  }
  return out;
}

/** Parses a JUnit XML report into one result per `<testcase>`, in document order. */
export function parseJUnit(xml: string): TestResult[] {
  const root = parseXml(xml);
  const kind = localName(root);
  if (kind !== "testsuites" && kind !== "testsuite") {
    throw new Error(`Not a JUnit report: root element is <${root.name}>`);
  }
  const wrapper: XmlElement = { name: "", attributes: {}, children: [root], text: "" };
  return z.array(TestResultSchema).parse(walk(wrapper, "", undefined));
}
