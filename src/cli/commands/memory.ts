import type { Command } from "commander";
import { ExitCode, UserError } from "../../core/errors.js";
import type { Lesson } from "../../core/lesson.js";
import { rankLessons } from "../../memory/index.js";
import type { CliContext, GlobalOptions } from "../context.js";
import { findRepoRoot, outputFor } from "../context.js";
import type { Output } from "../output.js";
import { openProject } from "../project.js";
import type { OpenProject } from "../project.js";

interface MemoryOptions extends GlobalOptions {
  readonly json?: boolean;
  readonly task?: string;
  readonly limit?: string;
}

function limitOf(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new UserError(`--limit: expected a positive whole number, found "${value}"`);
  return n;
}

function printLessons(out: Output, lessons: readonly Lesson[]): void {
  if (out.json) {
    for (const l of lessons) out.emit(l);
    return;
  }
  if (lessons.length === 0) {
    out.out("no lessons");
    return;
  }
  for (const l of lessons) {
    const where = [l.taskId, l.stepId].filter((x) => x !== undefined).join("/");
    out.out(`${l.id}  [${l.kind}${l.source === "human" ? ", human" : ""}] ${where}: ${l.title}`);
  }
}

async function withProject(
  program: Command,
  ctx: CliContext,
  body: (project: OpenProject) => Promise<void>,
): Promise<void> {
  const global = program.opts<GlobalOptions>();
  const project = await openProject(await findRepoRoot(ctx, global.repo), ctx.env, {
    requireTasks: false,
  });
  try {
    await body(project);
  } finally {
    await project.close();
  }
}

/** `orchestrator memory list|search|forget`: the lessons kept from finished tasks. */
export function registerMemory(program: Command, ctx: CliContext): void {
  const memory = program
    .command("memory")
    .description("lessons remembered from finished tasks: list, search, forget");

  memory
    .command("list")
    .description("lessons, newest first")
    .option("--task <id>", "only lessons of this task")
    .option("--limit <n>", "at most this many (default 100)")
    .option("--json", "print one JSON lesson per line")
    .action(async (options: MemoryOptions) => {
      const out = outputFor(ctx, options);
      const limit = limitOf(options.limit, 100);
      await withProject(program, ctx, async (project) => {
        const filter = { limit, ...(options.task === undefined ? {} : { taskId: options.task }) };
        printLessons(out, await project.memory.list(filter));
        ctx.exitCode = ExitCode.ok;
      });
    });

  memory
    .command("search")
    .description("lessons matching a query, ranked as a prompt would get them")
    .argument("<query>", "words to look for")
    .option("--limit <n>", "at most this many (default 10)")
    .option("--json", "print one JSON lesson per line")
    .action(async (query: string, options: MemoryOptions) => {
      const out = outputFor(ctx, options);
      const limit = limitOf(options.limit, 10);
      await withProject(program, ctx, async (project) => {
        const read = await project.memory.recall({ text: query });
        if (read.fallbackReason !== undefined) out.err(`warning: ${read.fallbackReason}`);
        const ranked = rankLessons(read.found, { files: [], now: Date.now() });
        printLessons(
          out,
          ranked.slice(0, limit).map((f) => f.lesson),
        );
        ctx.exitCode = ExitCode.ok;
      });
    });

  memory
    .command("forget")
    .description("remove a lesson so it is never recalled again")
    .argument("<id>", "the lesson's id (from `memory list`)")
    .option("--json", "print JSON")
    .action(async (id: string, options: MemoryOptions) => {
      const out = outputFor(ctx, options);
      await withProject(program, ctx, async (project) => {
        if (!(await project.memory.forget(id)))
          throw new UserError(`no lesson "${id}" (see orchestrator memory list)`);
        if (out.json) out.emit({ forgotten: id });
        else out.out(`forgot ${id}`);
        ctx.exitCode = ExitCode.ok;
      });
    });
}
