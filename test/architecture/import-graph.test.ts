import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const SRC = fileURLToPath(new URL("../../src/", import.meta.url));

/** Every production `.ts` file under `dir` (tests may build their inputs with other folders). */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") ? [path] : [];
  });
}

/** The top folder under src/ a path is in (undefined outside src/ or for a file at its root). */
function folderOf(path: string): string | undefined {
  const rel = relative(SRC, path);
  if (rel.startsWith("..")) return undefined;
  const parts = rel.split(sep);
  return parts.length > 1 ? parts[0] : undefined;
}

/** Folder -> folders it imports, with one file that does, for the message. */
function importGraph(): Map<string, Map<string, string>> {
  const graph = new Map<string, Map<string, string>>();
  for (const file of sources(SRC)) {
    const from = folderOf(file);
    if (from === undefined) continue;
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/(?:from|import)\s*\(?\s*"(\.[^"]+)"/g)) {
      const to = folderOf(resolve(dirname(file), m[1] ?? ""));
      if (to === undefined || to === from) continue;
      const edges = graph.get(from) ?? new Map<string, string>();
      if (!edges.has(to)) edges.set(to, relative(SRC, file));
      graph.set(from, edges);
    }
  }
  return graph;
}

describe("import graph of src/", () => {
  it("has no two folders importing each other", () => {
    const graph = importGraph();
    const pairs: string[] = [];
    for (const [a, edges] of graph) {
      for (const [b, file] of edges) {
        const back = graph.get(b)?.get(a);
        if (back !== undefined && a < b) pairs.push(`${a} <-> ${b} (${file}, ${back})`);
      }
    }
    expect(pairs).toEqual([]);
  });

  it("keeps core/ at the bottom and costs/ a leaf over it", () => {
    const graph = importGraph();
    expect([...(graph.get("core")?.keys() ?? [])]).toEqual([]);
    expect([...(graph.get("costs")?.keys() ?? [])]).toEqual(["core"]);
    // The graph is read at all: the CLI wires the engine, the engine uses the core.
    expect(graph.get("cli")?.has("engine")).toBe(true);
    expect(graph.get("engine")?.has("core")).toBe(true);
  });

  it("keeps concrete gate and workspace code out of the engine", () => {
    const engine = importGraph().get("engine");
    expect(engine?.has("gate")).toBe(false);
    expect(engine?.has("workspace")).toBe(false);
  });
});
