import type { Document } from "yaml";
import { LineCounter, isAlias, isMap, isPair, isScalar, isSeq, parseDocument, visit } from "yaml";
import type { Problem } from "../core/errors.js";

/** One step of a field path: a mapping key or a list index. */
export type PathSegment = string | number;
export type FieldPath = readonly PathSegment[];

/** Formats a field path the way users read it: `tasks[2].risk`, `models["a.b"].tier`. */
export function formatPath(path: FieldPath): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(seg)) out += out === "" ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** Which part of a mapping entry a problem points at. */
export type Anchor = "key" | "value";

/**
 * A parsed YAML file plus everything needed to point at its nodes: the display name used in
 * problems and the problems found so far. Paths given to {@link SourceFile.report} are display
 * paths (see {@link SourceFile.displayPrefix}).
 */
export class SourceFile {
  readonly problems: Problem[] = [];
  /** Things the loader accepted but changed, which the user should know (not errors). */
  readonly notes: Problem[] = [];
  private readonly lineCounter: LineCounter;
  readonly doc: Document.Parsed;
  /** Display paths start with this; the document does not (a bare task list lacks `tasks:`). */
  displayPrefix: FieldPath = [];
  /** True when the YAML itself is broken; its content is then not validated further. */
  readonly hasSyntaxErrors: boolean;

  constructor(
    /** Path of the file as shown to the user, e.g. `.orchestrator/tasks.yaml`. */
    readonly file: string,
    text: string,
  ) {
    this.lineCounter = new LineCounter();
    this.doc = parseDocument(text, {
      lineCounter: this.lineCounter,
      prettyErrors: false,
      uniqueKeys: true,
    });
    this.collectSyntaxProblems(text);
    this.hasSyntaxErrors = this.problems.length > 0;
  }

  /** Records a problem at the node the path leads to (or at its nearest existing ancestor). */
  report(path: FieldPath, message: string, anchor: Anchor = "value"): void {
    const offset = this.offsetOf(this.toNodePath(path), anchor);
    this.reportAt(offset, formatPath(path), message);
  }

  /** Records a note (an accepted oddity, not an error) at the node the path leads to. */
  note(path: FieldPath, message: string): void {
    const offset = this.offsetOf(this.toNodePath(path), "value");
    const { line, col } = this.lineCounter.linePos(offset);
    this.notes.push({ file: this.file, line, column: col, path: formatPath(path), message });
  }

  /** Records a problem at a source offset. */
  reportAt(offset: number, path: string, message: string): void {
    const { line, col } = this.lineCounter.linePos(offset);
    const problem: Problem = { file: this.file, line, column: col, path, message };
    const duplicate = this.problems.some(
      (p) =>
        p.line === problem.line &&
        p.column === problem.column &&
        p.path === problem.path &&
        p.message === problem.message,
    );
    if (!duplicate) this.problems.push(problem);
  }

  /** 1-based line of the node at a display path, for messages such as "first defined on line 3". */
  lineOf(path: FieldPath, anchor: Anchor = "value"): number {
    return this.lineCounter.linePos(this.offsetOf(this.toNodePath(path), anchor)).line;
  }

  /** Plain JavaScript value of the document; call only when {@link hasSyntaxErrors} is false. */
  toJS(): unknown {
    return this.doc.toJS({ maxAliasCount: 1000 });
  }

  /** The display path of a document path. */
  toDisplayPath(nodePath: FieldPath): FieldPath {
    return [...this.displayPrefix, ...nodePath];
  }

  private toNodePath(path: FieldPath): FieldPath {
    const prefix = this.displayPrefix;
    const hasPrefix = prefix.every((seg, i) => path[i] === seg);
    return hasPrefix ? path.slice(prefix.length) : path;
  }

  private offsetOf(path: FieldPath, anchor: Anchor): number {
    let node: unknown = this.doc.contents;
    let offset = rangeStart(node) ?? 0;
    for (let i = 0; i < path.length; i++) {
      const seg = path[i];
      if (isAlias(node)) node = node.resolve(this.doc);
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
        if (!pair) return offset;
        const keyStart = rangeStart(pair.key);
        const last = i === path.length - 1;
        const emptyValue = isScalar(pair.value) && pair.value.value === null;
        if (last && (anchor === "key" || emptyValue) && keyStart !== undefined) return keyStart;
        node = pair.value;
        offset = rangeStart(node) ?? keyStart ?? offset;
      } else if (isSeq(node) && typeof seg === "number") {
        node = node.items[seg];
        if (node === undefined) return offset;
        offset = rangeStart(node) ?? offset;
      } else {
        return offset;
      }
    }
    return offset;
  }

  private collectSyntaxProblems(text: string): void {
    for (const error of this.doc.errors) {
      const [start, end] = error.pos;
      const message =
        error.code === "DUPLICATE_KEY"
          ? `duplicate key ${JSON.stringify(keyAt(text, start, end))}`
          : `invalid YAML: ${firstLine(error.message)}`;
      this.reportAt(start, "", message);
    }
    // An unquoted value starting with `*` is an alias in YAML; a glob such as `*.md` then
    // silently refers to a missing anchor, so say how to write it instead.
    visit(this.doc, {
      Alias: (_key, node) => {
        if (node.resolve(this.doc) !== undefined) return;
        const start = rangeStart(node) ?? 0;
        this.reportAt(
          start,
          "",
          `unknown alias "*${node.source}" (quote values that start with *, e.g. "*${node.source}")`,
        );
      },
    });
  }
}

function rangeStart(node: unknown): number | undefined {
  if (isPair(node)) return rangeStart(node.key);
  if (isScalar(node) || isMap(node) || isSeq(node) || isAlias(node)) return node.range?.[0];
  return undefined;
}

function firstLine(message: string): string {
  const line = message.split("\n")[0] ?? message;
  return line.replace(/ at line \d+, column \d+:?$/, "");
}

/** The text of the mapping key that starts at `start`, without quotes. */
function keyAt(text: string, start: number, end: number): string {
  const match = /^(?:"([^"\n]*)"|'([^'\n]*)'|([^\n]*?))\s*:(?:\s|$)/.exec(text.slice(start));
  return match?.[1] ?? match?.[2] ?? match?.[3] ?? text.slice(start, end);
}
