import type { Node, Pair, Document } from "yaml";
import { Scalar, isPair, isScalar, isSeq, visit } from "yaml";
import type { PathSegment } from "./yaml-source.js";
import { formatPath } from "./yaml-source.js";
import type { SourceFile } from "./yaml-source.js";

/** Environment variables as the loader receives them. */
export type Env = Readonly<Record<string, string | undefined>>;

const REFERENCE = /\$\$\{|\$\{([^}]*)\}/g;
const NAME_AND_DEFAULT = /^([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?$/s;

export type InterpolationResult =
  { readonly ok: true; readonly value: string } | { readonly ok: false; readonly message: string };

/**
 * Replaces `${VAR}` and `${VAR:-default}` (the default is used when VAR is unset or empty, as in
 * the shell); `$${` is a literal `${`.
 */
export function interpolate(text: string, env: Env): InterpolationResult {
  let error: string | undefined;
  const value = text.replace(REFERENCE, (whole, inner: string | undefined) => {
    if (whole === "$${") return "${";
    const match = NAME_AND_DEFAULT.exec(inner ?? "");
    const name = match?.[1];
    if (match === null || name === undefined) {
      error ??= `invalid variable reference "${whole}": expected \${NAME} or \${NAME:-default} (write $\${ for a literal \${)`;
      return whole;
    }
    const set = env[name];
    const fallback = match[2];
    if (fallback !== undefined) return set === undefined || set === "" ? fallback : set;
    if (set === undefined) {
      error ??= `environment variable ${name} is not set (use \${${name}:-default} for a default)`;
      return whole;
    }
    return set;
  });
  return error === undefined ? { ok: true, value } : { ok: false, message: error };
}

/**
 * Interpolates every string scalar in value position (keys are left alone). A plain scalar that
 * came entirely from a variable and reads as a number or boolean becomes one, so
 * `priority: ${PRIO}` works; quoted scalars stay strings.
 */
export function interpolateDocument(source: SourceFile, env: Env): void {
  visit(source.doc, {
    Scalar: (key, node, ancestors) => {
      if (key === "key" || typeof node.value !== "string" || !node.value.includes("${")) return;
      const result = interpolate(node.value, env);
      if (!result.ok) {
        const path = source.toDisplayPath(nodePathOf(ancestors, node));
        source.reportAt(node.range?.[0] ?? 0, formatPath(path), result.message);
        return;
      }
      node.value = node.type === Scalar.PLAIN ? retype(node.value, result.value) : result.value;
    },
  });
}

function retype(original: string, value: string): string | number | boolean {
  if (!/^\$\{[^}]*\}$/.test(original)) return value;
  if (/^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  if (value === "true" || value === "false") return value === "true";
  return value;
}

type Ancestor = Document | Node | Pair;

function nodePathOf(ancestors: readonly Ancestor[], node: Node): PathSegment[] {
  const path: PathSegment[] = [];
  ancestors.forEach((ancestor, i) => {
    const next = ancestors[i + 1] ?? node;
    if (isSeq(ancestor)) path.push(ancestor.items.indexOf(next));
    else if (isPair(ancestor) && isScalar(ancestor.key)) path.push(String(ancestor.key.value));
  });
  return path;
}
