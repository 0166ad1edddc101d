import type { Command } from "commander";
import { UserError } from "../../core/errors.js";
import { assertPostgresUrl } from "../../store/database-url.js";
import { copySqliteToPostgres } from "../../store/copy-store.js";
import { redactDatabaseUrl } from "../../store/database-url.js";
import type { CliContext, GlobalOptions } from "../context.js";
import { findRepoRoot, hasState, outputFor, stateDbPath } from "../context.js";

interface MigrateOptions extends GlobalOptions {
  readonly to?: string;
}

export function registerMigrateStore(program: Command, ctx: CliContext): void {
  program
    .command("migrate-store")
    .description("copy this repository's SQLite state into an empty PostgreSQL database")
    .requiredOption("--to <url>", "postgres://user@host:5432/database (must exist and be empty)")
    .option("--json", "print the result as JSON")
    .action(async (options: MigrateOptions) => {
      const global = program.opts<GlobalOptions>();
      const out = outputFor(ctx, options);
      const url = options.to ?? "";
      assertPostgresUrl(url, "--to");
      const repoRoot = await findRepoRoot(ctx, global.repo);
      if (!hasState(repoRoot)) {
        throw new UserError(`no SQLite state to migrate: ${stateDbPath(repoRoot)} does not exist`);
      }
      const report = await copySqliteToPostgres(stateDbPath(repoRoot), url);
      if (out.json) {
        out.emit({ ...report, to: redactDatabaseUrl(url) });
        return;
      }
      out.out(
        `copied ${report.tasks} task(s), ${report.runs} run(s) and ${report.events} event(s) to ` +
          `${redactDatabaseUrl(url)}; the projections of all ${report.projectionsMatched} task(s) match`,
      );
      out.out(
        "next: set store: in .orchestrator/model_config.yaml (or ORCHESTRATOR_DATABASE_URL) to use it",
      );
    });
}
