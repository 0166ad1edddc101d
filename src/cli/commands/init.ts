import type { Command } from "commander";
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { initFiles } from "../../config/index.js";
import { UserError } from "../../core/errors.js";
import { ensureOrchestratorGitignore } from "../../workspace/index.js";
import type { CliContext, GlobalOptions } from "../context.js";
import { findRepoRoot, outputFor } from "../context.js";

/** The JSON Schemas shipped with the package (dist/cli/commands -> package root). */
const SCHEMA_DIR = fileURLToPath(new URL("../../../schemas", import.meta.url));

/** Writes the starter files into `<repo>/.orchestrator/`; refuses to overwrite any of them. */
export async function initProject(repoRoot: string): Promise<string[]> {
  const configDir = join(repoRoot, ".orchestrator");
  const schemaDir = relative(configDir, SCHEMA_DIR).split("\\").join("/");
  const files = initFiles({ schemaDir });
  const existing = files.map((f) => join(configDir, f.name)).filter((p) => existsSync(p));
  if (existing.length > 0) {
    throw new UserError(
      `refusing to overwrite ${existing.map((p) => relative(repoRoot, p)).join(", ")}`,
    );
  }
  await mkdir(configDir, { recursive: true });
  const written: string[] = [];
  for (const f of files) {
    const path = join(configDir, f.name);
    await writeFile(path, f.content, { flag: "wx" });
    written.push(relative(repoRoot, path));
  }
  if (await ensureOrchestratorGitignore(repoRoot)) written.push(".orchestrator/.gitignore");
  return written;
}

export function registerInit(program: Command, ctx: CliContext): void {
  program
    .command("init")
    .description("write starter tasks.yaml, model_config.yaml and quality_rules.yaml")
    .option("--json", "print the written files as JSON")
    .action(async (options: GlobalOptions) => {
      const global = program.opts<GlobalOptions>();
      const out = outputFor(ctx, options);
      const written = await initProject(await findRepoRoot(ctx, global.repo));
      if (out.json) out.emit({ written });
      else {
        for (const f of written) out.out(`${out.color.green("created")} ${f}`);
        out.out("next: describe a task in .orchestrator/tasks.yaml, then `orchestrator validate`");
      }
    });
}
