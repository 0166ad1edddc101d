import { z } from "zod";
import { describeValue, didYouMean } from "./describe.js";
import type { FieldPath, PathSegment, SourceFile } from "./yaml-source.js";

type Issue = z.core.$ZodIssue;
type AnySchema = z.core.$ZodType;

/**
 * Validates `data` (the value at `basePath` in the file) with a schema and reports every issue
 * as a problem at the offending node. Returns the parsed value, or undefined when invalid.
 */
export function validateAt<S extends z.ZodType>(
  source: SourceFile,
  schema: S,
  data: unknown,
  basePath: FieldPath = [],
): z.output<S> | undefined {
  const result = schema.safeParse(data, { reportInput: true });
  if (result.success) return result.data;
  for (const issue of result.error.issues) reportIssue(source, schema, issue, basePath, []);
  return undefined;
}

function segments(path: readonly PropertyKey[]): PathSegment[] {
  return path.filter((seg): seg is PathSegment => typeof seg !== "symbol");
}

function reportIssue(
  source: SourceFile,
  root: AnySchema,
  issue: Issue,
  basePath: FieldPath,
  outerPath: FieldPath,
): void {
  const relative = [...outerPath, ...segments(issue.path)];
  const path = [...basePath, ...relative];
  const input: unknown = issue.input;
  switch (issue.code) {
    case "unrecognized_keys": {
      const known = knownKeysAt(root, relative);
      for (const key of issue.keys) {
        const hint = didYouMean(key, known);
        const list = hint === "" && known.length > 0 ? `; expected one of ${known.join(", ")}` : "";
        source.report([...path, key], `unknown key "${key}"${hint}${list}`, "key");
      }
      return;
    }
    case "invalid_union": {
      if (input === undefined) {
        source.report(path, missingKey(path));
        return;
      }
      // Prefer the one branch that got past the value's top level (its issues say what is wrong
      // inside), else the one branch that at least accepted the value's type.
      const inside = issue.errors.filter((branch) => branch.every((i) => i.path.length > 0));
      const typed = issue.errors.filter(
        (branch) => !branch.some((i) => i.code === "invalid_type" && i.path.length === 0),
      );
      const only = inside.length === 1 ? inside[0] : typed.length === 1 ? typed[0] : undefined;
      if (only !== undefined) {
        for (const inner of only) reportIssue(source, root, inner, basePath, relative);
      } else if (issue.message !== "Invalid input") {
        source.report(path, issue.message);
      } else {
        const expected = issue.errors
          .flatMap((branch) => branch.map((i) => (i.code === "invalid_type" ? i.expected : "")))
          .filter((e) => e !== "")
          .map(typeName);
        source.report(path, `expected ${expected.join(" or ")}, found ${describeValue(input)}`);
      }
      return;
    }
    default:
      source.report(path, messageFor(issue, path));
  }
}

function missingKey(path: FieldPath): string {
  const key = path[path.length - 1];
  return `missing required key "${String(key)}"`;
}

function messageFor(issue: Issue, path: FieldPath): string {
  const found = describeValue(issue.input);
  switch (issue.code) {
    case "invalid_type":
      if (issue.input === undefined) return missingKey(path);
      return `expected ${typeName(issue.expected)}, found ${found}`;
    case "invalid_value": {
      const values = issue.values.map(String);
      const hint = typeof issue.input === "string" ? didYouMean(issue.input, values) : "";
      const expected = values.length === 1 ? values.join("") : `one of ${values.join(", ")}`;
      return `expected ${expected}, found ${found}${hint}`;
    }
    case "too_small":
      return `expected ${bound(issue.origin, "at least", issue.minimum, issue.inclusive)}, found ${found}`;
    case "too_big":
      return `expected ${bound(issue.origin, "at most", issue.maximum, issue.inclusive)}, found ${found}`;
    default:
      return issue.message;
  }
}

function bound(
  origin: string,
  word: "at least" | "at most",
  limit: number | bigint,
  inclusive: boolean | undefined,
): string {
  const n = Number(limit);
  if (origin === "array" || origin === "set") {
    return n === 1 && word === "at least" ? "a non-empty list" : `a list of ${word} ${n} items`;
  }
  if (origin === "string") {
    return n === 1 && word === "at least"
      ? "a non-empty string"
      : `a string of ${word} ${n} characters`;
  }
  const op =
    word === "at least" ? (inclusive === false ? ">" : ">=") : inclusive === false ? "<" : "<=";
  return `a number ${op} ${n}`;
}

const TYPE_NAMES: Readonly<Record<string, string>> = {
  string: "a string",
  number: "a number",
  int: "an integer",
  boolean: "true or false",
  array: "a list",
  tuple: "a list",
  object: "a mapping",
  record: "a mapping",
  map: "a mapping",
  null: "an empty value",
};

function typeName(expected: string): string {
  return TYPE_NAMES[expected] ?? expected;
}

function unwrap(schema: AnySchema): AnySchema {
  let s = schema;
  for (;;) {
    if (s instanceof z.ZodOptional || s instanceof z.ZodDefault || s instanceof z.ZodNullable) {
      s = s.unwrap();
    } else if (s instanceof z.ZodPipe) {
      s = s.in;
    } else {
      return s;
    }
  }
}

/** The keys an object schema at a path allows, for "did you mean" hints. */
function knownKeysAt(root: AnySchema, path: FieldPath): string[] {
  let schema: AnySchema | undefined = root;
  for (const seg of [...path, undefined]) {
    if (schema === undefined) return [];
    schema = unwrap(schema);
    if (schema instanceof z.ZodUnion) {
      const options: readonly AnySchema[] = schema.options;
      schema = options
        .map(unwrap)
        .find((o) =>
          typeof seg === "number" ? o instanceof z.ZodArray : !(o instanceof z.ZodArray),
        );
      if (schema === undefined) return [];
    }
    if (seg === undefined) break;
    if (schema instanceof z.ZodObject && typeof seg === "string") {
      const shape: Readonly<Record<string, AnySchema>> = schema.shape;
      schema = shape[seg];
    } else if (schema instanceof z.ZodArray && typeof seg === "number") {
      schema = schema.element;
    } else if (schema instanceof z.ZodRecord) {
      schema = schema.valueType;
    } else {
      return [];
    }
  }
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}
