import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** The documentation a reader follows links through. */
const DOCS = [
  "README.md",
  "CONTRIBUTING.md",
  "bench/README.md",
  "bench/routing/README.md",
  ...readdirSync(join(ROOT, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`),
];

/** The file's lines outside fenced code blocks. */
function proseLines(text: string): string[] {
  let fenced = false;
  return text.split("\n").filter((line) => {
    if (line.trimStart().startsWith("```")) {
      fenced = !fenced;
      return false;
    }
    return !fenced;
  });
}

/** GitHub's anchors of a Markdown file's headings (duplicates get `-1`, `-2`, ...). */
function anchorsOf(text: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of proseLines(text)) {
    const heading = /^#{1,6}\s+(.*)$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const slug = heading
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, "")
      .replace(/\s/g, "-");
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    anchors.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return anchors;
}

/** Relative links (`[text](target)`) of a Markdown file, outside code. */
function linksOf(text: string): string[] {
  const links: string[] = [];
  for (const line of proseLines(text)) {
    const prose = line.replace(/`[^`]*`/g, "");
    for (const m of prose.matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = m[1] ?? "";
      if (!/^[a-z][a-z0-9+.-]*:/i.test(target)) links.push(target);
    }
  }
  return links;
}

describe("documentation links", () => {
  it.each(DOCS)("every relative link and anchor in %s resolves", (doc) => {
    const text = readFileSync(join(ROOT, doc), "utf8");
    const broken: string[] = [];
    for (const link of linksOf(text)) {
      const [path = "", anchor] = link.split("#", 2);
      const target = path === "" ? join(ROOT, doc) : join(ROOT, dirname(doc), path);
      if (!existsSync(target)) {
        broken.push(`${link}: no file ${relative(ROOT, target)}`);
        continue;
      }
      if (anchor === undefined || anchor === "") continue;
      if (statSync(target).isDirectory() || !target.endsWith(".md")) {
        broken.push(`${link}: an anchor into a file that is not Markdown`);
      } else if (!anchorsOf(readFileSync(target, "utf8")).has(anchor)) {
        broken.push(`${link}: no heading with anchor #${anchor}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it("finds the links it checks (the parser is not blind)", () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    expect(linksOf(readme)).toContain("docs/ARCHITECTURE.md#how-a-task-runs");
    expect(anchorsOf("## What `init` writes\n## A\n## A\n")).toEqual(
      new Set(["what-init-writes", "a", "a-1"]),
    );
  });

  it.each(DOCS)("no table cell in %s is over 150 characters", (doc) => {
    const long = proseLines(readFileSync(join(ROOT, doc), "utf8"))
      .filter((line) => line.startsWith("|") && !/^\|[\s:|-]+\|$/.test(line))
      .flatMap((line) => line.slice(1, -1).split(/(?<!\\)\|/))
      .map((cell) => cell.trim())
      .filter((cell) => cell.length > 150);
    expect(long).toEqual([]);
  });

  it("keeps the README to about one screen: at most 10 kB", () => {
    expect(statSync(join(ROOT, "README.md")).size).toBeLessThanOrEqual(10_240);
  });
});
