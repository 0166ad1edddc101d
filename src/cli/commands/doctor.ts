import type { Command } from "commander";
import { loadProjectConfig } from "../../config/index.js";
import { ExitCode } from "../../core/errors.js";
import { createProvider } from "../../providers/index.js";
import type { CliContext, GlobalOptions } from "../context.js";
import { findRepoRoot, outputFor } from "../context.js";
import type { DoctorReport, ModelDiagnosis } from "../doctor.js";
import { runDoctor } from "../doctor.js";
import type { Output } from "../output.js";

interface DoctorOptions extends GlobalOptions {
  readonly offline?: boolean;
}

function printModel(out: Output, d: ModelDiagnosis): void {
  const mark =
    d.status === "ok"
      ? out.color.green("ok")
      : d.status === "unchecked"
        ? out.color.yellow("??")
        : d.routed
          ? out.color.red("!!")
          : out.color.yellow("!!");
  const routed = d.routed ? "" : " (not routed: not needed)";
  const found = d.found ?? (d.status === "problem" ? "not usable" : "");
  const what =
    d.version === undefined || found.includes(d.version) ? found : `${found} (${d.version})`;
  out.out(`${mark} ${d.name} (${d.provider}, ${d.family}, ${d.tier})${routed}: ${what}`);
  for (const problem of d.problems) out.out(`   problem: ${problem}`);
  for (const fix of d.fixes) out.out(`   fix: ${fix}`);
}

function printSummary(out: Output, report: DoctorReport): void {
  const routed = report.models.filter((m) => m.routed);
  const broken = routed.filter((m) => m.status === "problem");
  const unchecked = routed.filter((m) => m.status === "unchecked");
  const mode = report.offline ? " (offline: no model was called)" : "";
  if (broken.length === 0) {
    const note =
      unchecked.length > 0
        ? `; ${unchecked.map((m) => m.name).join(", ")} could not be checked`
        : "";
    out.out(`${out.color.green("ok")}: ${routed.length} routed model(s) usable${note}${mode}`);
    return;
  }
  out.out(
    `${out.color.red("not ready")}: ${broken.map((m) => m.name).join(", ")} ` +
      `cannot run, and the routing rules can pick ${broken.length === 1 ? "it" : "them"}${mode}`,
  );
}

export function registerDoctor(program: Command, ctx: CliContext): void {
  program
    .command("doctor")
    .description(
      "check every configured model: binary or key, version, a one-token call; exit 1 when a routed model cannot run",
    )
    .option("--offline", "do not call any model: check binaries, keys and versions only")
    .option("--json", "print the report as JSON")
    .action(async (options: DoctorOptions) => {
      const global = program.opts<GlobalOptions>();
      const out = outputFor(ctx, options);
      const repoRoot = await findRepoRoot(ctx, global.repo);
      const config = await loadProjectConfig(repoRoot, { env: ctx.env, requireTasks: false });
      if (!out.json) {
        const count = config.models.models.size;
        out.out(
          `checking ${String(count)} model(s) at once${options.offline === true ? ", offline" : ""}…`,
        );
      }
      const report = await runDoctor(config.models, createProvider, {
        offline: options.offline === true,
        // Each model's result as it comes: a slow one-token call does not hide the others.
        ...(out.json
          ? {}
          : {
              onResult: (model: ModelDiagnosis) => {
                printModel(out, model);
              },
            }),
      });
      if (out.json) out.emit(report);
      else printSummary(out, report);
      if (!report.ok) ctx.exitCode = ExitCode.taskNotDone;
    });
}
