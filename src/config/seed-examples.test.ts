import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { loadProjectConfig } from "./index.js";

const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const SEED = resolve(REPO_ROOT, "../shared/seed/ORCHESTRATOR_PLAN.md");
const FIXTURES = join(REPO_ROOT, "test/fixtures/config/seed");

interface Examples {
  readonly tasks: readonly string[];
  readonly quality: readonly string[];
}

/** The seed's YAML blocks: those listing tasks, and its quality-rule blocks. */
function extractExamples(markdown: string): Examples {
  const blocks = [...markdown.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] ?? "");
  return {
    tasks: blocks.filter((b) => /^\s*-\s+id:/m.test(b)),
    quality: blocks.filter((b) => /^(quality_rules|orchestrator_quality):/.test(b)),
  };
}

async function fixtureExamples(): Promise<Examples> {
  const names = (await readdir(FIXTURES)).sort((a, b) =>
    a.localeCompare(b, "en", { numeric: true }),
  );
  const read = (prefix: string) =>
    Promise.all(
      names.filter((n) => n.startsWith(prefix)).map((n) => readFile(join(FIXTURES, n), "utf8")),
    );
  return { tasks: await read("tasks-"), quality: await read("quality-") };
}

/** The seed itself when it is next to the repository, else the copies in test/fixtures. */
async function seedExamples(): Promise<Examples> {
  return existsSync(SEED) ? extractExamples(await readFile(SEED, "utf8")) : fixtureExamples();
}

const temps: string[] = [];
afterEach(async () => {
  for (const dir of temps.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** A repository folder named like the seed's (`repo: RAE-agentic-memory`). */
async function seedRepo(): Promise<string> {
  const parent = await mkdtemp(join(tmpdir(), "orch-seed-"));
  temps.push(parent);
  const root = join(parent, "RAE-agentic-memory");
  await mkdir(join(root, ".orchestrator"), { recursive: true });
  return root;
}

/** Creates the context files a tasks block names: folders for `dir/`, empty files otherwise. */
async function createContextFiles(root: string, yamlText: string): Promise<number> {
  const data: unknown = parse(yamlText);
  const list: unknown[] = Array.isArray(data)
    ? data
    : typeof data === "object" && data !== null && "tasks" in data && Array.isArray(data.tasks)
      ? data.tasks
      : [];
  let created = 0;
  for (const task of list) {
    if (typeof task !== "object" || task === null || !("context_files" in task)) continue;
    const files = Array.isArray(task.context_files) ? task.context_files : [];
    for (const file of files) {
      if (typeof file !== "string") continue;
      const path = join(root, file);
      if (file.endsWith("/")) await mkdir(path, { recursive: true });
      else {
        await mkdir(dirname(path), { recursive: true });
        await writeFile(path, "");
      }
      created++;
    }
  }
  return created;
}

describe("the seed's examples", () => {
  it("are all found (4 task lists, 2 quality blocks)", async () => {
    const examples = await seedExamples();
    expect(examples.tasks).toHaveLength(4);
    expect(examples.quality).toHaveLength(2);
  });

  it.runIf(existsSync(SEED))("are copied verbatim into test/fixtures/config/seed", async () => {
    expect(await fixtureExamples()).toEqual(extractExamples(await readFile(SEED, "utf8")));
  });

  it("load unchanged as tasks.yaml", async () => {
    const ids: string[] = [];
    for (const text of (await seedExamples()).tasks) {
      const root = await seedRepo();
      await createContextFiles(root, text);
      await writeFile(join(root, ".orchestrator", "tasks.yaml"), text);
      const config = await loadProjectConfig(root, { env: {}, requireTasks: true });
      for (const task of config.tasks) {
        expect(task.repoPath).toBe(root);
        ids.push(task.id);
      }
    }
    expect(ids).toEqual([
      "RAE-001",
      "RAE-002",
      "TEST-001",
      "RAE-PHASE2-001",
      "RAE-PHASE2-002",
      "RAE-DOCS-001",
      "RAE-PHASE2-SEARCH",
    ]);
  });

  it("keep what the first example says", async () => {
    const [text = ""] = (await seedExamples()).tasks;
    const root = await seedRepo();
    expect(await createContextFiles(root, text)).toBe(4);
    await writeFile(join(root, ".orchestrator", "tasks.yaml"), text);
    const config = await loadProjectConfig(root, { env: {}, requireTasks: true });
    expect(config.tasks[0]).toEqual({
      id: "RAE-001",
      goal: "Complete Phase 2 of RAE-core: implement search strategies and hybrid engine",
      risk: "high",
      area: "core",
      repo: "RAE-agentic-memory",
      repoPath: root,
      contextFiles: ["rae-core/rae_core/search/", "docs/RAE_PHASE2_PLAN.md"],
      constraints: ["ZERO-WARNINGS", "80%+ test coverage", "No breaking changes to public API"],
      priority: 0,
      dependsOn: [],
      timeoutMs: 6 * 60 * 60 * 1000,
    });
  });

  it("fail without their context files", async () => {
    const [text = ""] = (await seedExamples()).tasks;
    const root = await seedRepo();
    await writeFile(join(root, ".orchestrator", "tasks.yaml"), text);
    await expect(loadProjectConfig(root, { env: {}, requireTasks: true })).rejects.toThrow(
      /tasks\[0\]\.context_files\[0\]: expected an existing file or directory/,
    );
  });

  it("load as quality_rules.yaml, alone and together", async () => {
    const { quality } = await seedExamples();
    for (const text of [...quality, quality.join("\n")]) {
      const root = await seedRepo();
      await writeFile(join(root, ".orchestrator", "quality_rules.yaml"), text);
      const config = await loadProjectConfig(root, { env: {}, requireTasks: false });
      expect(config.quality.maxAttempts).toBe(3);
      expect(config.quality.checks.size).toBe(0);
    }
  });
});
