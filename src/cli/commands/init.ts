import type { Command } from "commander";
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { initFiles } from "../../config/index.js";
import type { AvailableModels } from "../../config/index.js";
import { UserError } from "../../core/errors.js";
import { ensureOrchestratorGitignore } from "../../workspace/index.js";
import type { CliContext, GlobalOptions } from "../context.js";
import { findRepoRoot, outputFor } from "../context.js";
import { detectModels } from "../detect-models.js";
import { detectInitChecks, type InitChecks } from "../init-checks.js";
import type { Output } from "../output.js";
import { NodeProcessRunner } from "../../process/node-process-runner.js";

/** The JSON Schemas shipped with the package (dist/cli/commands -> package root). */
const SCHEMA_DIR = fileURLToPath(new URL("../../../schemas", import.meta.url));

/**
 * Writes the starter files into `<repo>/.orchestrator/`; refuses to overwrite any of them.
 * `available` names the model CLIs and keys to configure (default: the seed's two CLIs).
 */
export async function initProject(
  repoRoot: string,
  available?: AvailableModels,
  checks?: string,
): Promise<string[]> {
  const configDir = join(repoRoot, ".orchestrator");
  const schemaDir = relative(configDir, SCHEMA_DIR).split("\\").join("/");
  const files = initFiles({
    schemaDir,
    ...(available === undefined ? {} : { available }),
    ...(checks === undefined ? {} : { checks }),
  });
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

interface InitOptions extends GlobalOptions {
  /** false with --no-run-checks. */
  readonly runChecks: boolean;
}

const STARTER_FILES = ["tasks.yaml", "model_config.yaml", "quality_rules.yaml"];

/** Refuses before detection runs anything, when a starter file is already there. */
function refuseExisting(repoRoot: string): void {
  const existing = STARTER_FILES.map((f) => join(repoRoot, ".orchestrator", f)).filter((p) =>
    existsSync(p),
  );
  if (existing.length > 0) {
    throw new UserError(
      `refusing to overwrite ${existing.map((p) => relative(repoRoot, p)).join(", ")}`,
    );
  }
}

function reportChecks(out: Output, checks: InitChecks): void {
  const { detection, trials } = checks;
  for (const note of detection.notes) out.out(out.color.yellow(`note: ${note}`));
  if (detection.checks.length === 0) {
    out.out(
      out.color.yellow(
        "no test, lint or type-check tool found: quality_rules.yaml has no checks, and " +
          "`orchestrator run` refuses an empty gate unless --allow-empty-gate",
      ),
    );
    return;
  }
  const active = checks.active.join(", ") || "none";
  if (trials === undefined) {
    out.out(`gate checks written: ${active} (not run yet: \`orchestrator validate --run-checks\`)`);
  } else {
    out.out(`gate checks written: ${active} (each ran once on the untouched repository)`);
  }
}

export function registerInit(program: Command, ctx: CliContext): void {
  program
    .command("init")
    .description("write starter tasks.yaml, model_config.yaml and quality_rules.yaml")
    .option("--no-run-checks", "write the detected checks without running them once")
    .option("--json", "print the written files as JSON")
    .action(async (options: InitOptions) => {
      const global = program.opts<GlobalOptions>();
      const out = outputFor(ctx, options);
      const repoRoot = await findRepoRoot(ctx, global.repo);
      refuseExisting(repoRoot);
      const detection = await detectModels(ctx.env);
      if (!out.json) out.out("detecting the project's checks...");
      const checks = await detectInitChecks(
        new NodeProcessRunner(),
        repoRoot,
        options.runChecks,
        (trial) => {
          if (!out.json) {
            const mark = trial.passed ? out.color.green("ok") : out.color.yellow("left out");
            out.out(`  ${mark} ${trial.name}: ${trial.detail}`);
          }
        },
      );
      const written = await initProject(repoRoot, detection.available, checks.block);
      if (out.json) {
        out.emit({
          written,
          found: detection.found,
          missing: detection.missing,
          families: detection.families,
          toolchains: checks.detection.toolchains,
          checks: checks.detection.checks.map((c) => ({
            name: c.name,
            kind: c.kind,
            because: c.because,
            active: checks.active.includes(c.name),
            trial: checks.trials?.find((t) => t.name === c.name) ?? null,
          })),
          notes: checks.detection.notes,
        });
        return;
      }
      for (const f of written) out.out(`${out.color.green("created")} ${f}`);
      reportChecks(out, checks);
      for (const f of detection.found) out.out(`${out.color.green("found")} ${f}`);
      if (detection.missing.length > 0) {
        out.out(`${out.color.dim("not found")}: ${detection.missing.join(", ")}`);
      }
      const families = detection.families;
      if (families.length === 0) {
        out.out(
          out.color.yellow(
            "no model CLI, API key or Ollama found: model_config.yaml names the seed's claude-cli " +
              "and gemini-cli models; install them or set an API key",
          ),
        );
      } else if (families.length === 1) {
        out.out(
          out.color.yellow(
            `only one model family found (${families.join(", ")}): cross-review needs two, so it ` +
              "is off in model_config.yaml; add a model of another family and set cross_review: true",
          ),
        );
      } else {
        out.out(`model families: ${families.join(", ")} (reviewers come from another family)`);
      }
      out.out("check the models with `orchestrator doctor`");
      out.out("next: describe a task in .orchestrator/tasks.yaml, then `orchestrator validate`");
    });
}
