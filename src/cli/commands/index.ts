import type { Command } from "commander";
import type { CliContext } from "../context.js";
import { registerDemo } from "./demo.js";
import { registerDoctor } from "./doctor.js";
import { registerEstimate } from "./estimate.js";
import { registerExport } from "./export.js";
import { registerGate } from "./gate.js";
import { registerGithub } from "./github.js";
import { registerInit } from "./init.js";
import { registerLand } from "./land.js";
import { registerLog } from "./log.js";
import { registerMemory } from "./memory.js";
import { registerReport } from "./report.js";
import { registerReview } from "./review.js";
import { registerRun } from "./run.js";
import { registerServe } from "./serve.js";
import { registerStatus } from "./status.js";
import { registerValidate } from "./validate.js";

/** Every command of the CLI, in the order `--help` lists them. */
export function registerCommands(program: Command, ctx: CliContext): void {
  registerInit(program, ctx);
  registerValidate(program, ctx);
  registerDoctor(program, ctx);
  registerRun(program, ctx);
  registerLand(program, ctx);
  registerGate(program, ctx);
  registerStatus(program, ctx);
  registerReview(program, ctx);
  registerExport(program, ctx);
  registerLog(program, ctx);
  registerMemory(program, ctx);
  registerEstimate(program, ctx);
  registerReport(program, ctx);
  registerServe(program, ctx);
  registerGithub(program, ctx);
  registerDemo(program, ctx);
}
