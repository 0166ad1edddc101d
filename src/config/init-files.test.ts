import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { ProjectConfig } from "../core/project-config.js";
import { initFiles, loadProjectConfig } from "./index.js";

const roots: string[] = [];
afterEach(async () => {
  for (const root of roots.splice(0)) await rm(root, { recursive: true, force: true });
});

/** Loads a fresh repository holding only the given `.orchestrator/` files. */
async function loadWith(
  files: readonly { name: string; content: string }[],
): Promise<ProjectConfig> {
  const root = await mkdtemp(join(tmpdir(), "orch-init-"));
  roots.push(root);
  await mkdir(join(root, ".orchestrator"));
  for (const f of files) await writeFile(join(root, ".orchestrator", f.name), f.content);
  return loadProjectConfig(root, { env: {}, requireTasks: false });
}

describe("initFiles", () => {
  const files = initFiles({ schemaDir: "../node_modules/orchestrator/schemas" });

  it("writes the three files, each pointing at its JSON Schema", () => {
    expect(files.map((f) => f.name)).toEqual([
      "tasks.yaml",
      "model_config.yaml",
      "quality_rules.yaml",
    ]);
    for (const f of files) {
      const kind = f.name.replace(/\.yaml$/, "");
      expect(f.content.split("\n")[0]).toBe(
        `# yaml-language-server: $schema=../node_modules/orchestrator/schemas/${kind}.schema.json`,
      );
    }
  });

  it("does not double a trailing slash of the schema folder", () => {
    const [tasks] = initFiles({ schemaDir: "/opt/schemas/" });
    expect(tasks?.content).toMatch(
      /^# yaml-language-server: \$schema=\/opt\/schemas\/tasks\.schema\.json\n/,
    );
  });

  it("load without problems in a fresh repository", async () => {
    const config = await loadWith(files);
    expect(config.tasks).toHaveLength(1);
    expect(config.tasks[0]).toMatchObject({
      id: "EXAMPLE-001",
      risk: "low",
      area: "docs",
      repo: ".",
    });
    expect(config.tasks[0]?.repoPath).toBe(config.repoRoot);
  });

  it("spell out exactly the built-in defaults", async () => {
    const fromStarter = await loadWith(files);
    const builtIn = await loadWith([]);
    expect(fromStarter.models).toEqual(builtIn.models);
    expect(fromStarter.quality).toEqual(builtIn.quality);
  });

  it("comment every file", () => {
    for (const f of files) {
      const comments = f.content.split("\n").filter((l) => l.trimStart().startsWith("#"));
      expect(comments.length).toBeGreaterThan(5);
    }
  });
});
