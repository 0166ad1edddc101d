import type { Command } from "commander";
import { loadProjectConfig } from "../../config/index.js";
import { UserError } from "../../core/errors.js";
import type { StoredEvent } from "../../core/events.js";
import {
  buildReport,
  emptyReport,
  pickBaseline,
  REPORT_GROUPINGS,
  type Report,
  type ReportGrouping,
} from "../../report/report.js";
import { openSqliteStore } from "../../store/index.js";
import { allEvents } from "../../engine/all-events.js";
import type { CliContext, GlobalOptions } from "../context.js";
import { findRepoRoot, hasState, outputFor, stateDbPath } from "../context.js";
import type { Output } from "../output.js";

const DAY_MS = 24 * 60 * 60 * 1000;

/** `YYYY-MM-DD` (from that UTC midnight) or `Nd` (the last N days); ms since the epoch. */
export function parseSince(value: string, now: number): number {
  const days = /^(\d{1,5})d$/.exec(value);
  if (days?.[1] !== undefined) return now - Number(days[1]) * DAY_MS;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const at = Date.parse(`${value}T00:00:00.000Z`);
    if (!Number.isNaN(at) && new Date(at).toISOString().startsWith(value)) return at;
  }
  throw new UserError(
    `--since expects a date YYYY-MM-DD or a number of days such as 7d or 30d, got "${value}"`,
  );
}

export function parseGrouping(value: string): ReportGrouping {
  const found = REPORT_GROUPINGS.find((g) => g === value);
  if (found === undefined) {
    throw new UserError(`--by expects one of ${REPORT_GROUPINGS.join(", ")}, got "${value}"`);
  }
  return found;
}

const usd = (n: number): string => `$${n.toFixed(4)}`;
const pct = (r: number | null): string => (r === null ? "-" : `${Math.round(r * 100)}%`);
const count = (n: number): string => n.toLocaleString("en-US");

function printReport(out: Output, report: Report): void {
  const t = report.total;
  const when = report.since === null ? "all time" : `since ${report.since}`;
  out.out(out.color.bold(`spend (${when}): ${usd(t.usd)} in ${count(t.calls)} calls`));
  out.out(
    `tokens: in ${count(t.tokens.input)}, out ${count(t.tokens.output)}, ` +
      `cache read ${count(t.tokens.cacheRead)}, cache write ${count(t.tokens.cacheWrite)}`,
  );
  out.out(
    `attempts: ${t.attempts} (success ${pct(t.successRate)} of ${t.finished} finished, ` +
      `retries ${pct(t.retryRate)})`,
  );
  const b = report.baseline;
  if (b) {
    const saved = b.savedFraction === null ? "" : ` (${pct(b.savedFraction)})`;
    out.out(`vs ${b.baselineModel} only: ${usd(b.baselineUsd)}; saved ${usd(b.savedUsd)}${saved}`);
  }
  const head = report.by.toUpperCase();
  const width = Math.max(head.length, ...report.groups.map((g) => g.key.length));
  out.out("");
  out.out(
    out.color.bold(
      `${head.padEnd(width)}  ${"CALLS".padStart(5)}  ${"IN".padStart(9)}  ${"OUT".padStart(9)}  ` +
        `${"CACHE".padStart(9)}  ${"COST".padStart(10)}  ATT  SUCCESS  RETRY`,
    ),
  );
  for (const g of report.groups) {
    const cache = g.tokens.cacheRead + g.tokens.cacheWrite;
    out.out(
      `${g.key.padEnd(width)}  ${String(g.calls).padStart(5)}  ${String(g.tokens.input).padStart(9)}  ` +
        `${String(g.tokens.output).padStart(9)}  ${String(cache).padStart(9)}  ` +
        `${usd(g.usd).padStart(10)}  ${String(g.attempts).padStart(3)}  ` +
        `${pct(g.successRate).padStart(7)}  ${pct(g.retryRate).padStart(5)}`,
    );
  }
}

interface ReportOptions {
  readonly since?: string;
  readonly by?: string;
  readonly baseline?: string;
  readonly json?: boolean;
}

export function registerReport(program: Command, ctx: CliContext): void {
  program
    .command("report")
    .description("spend, calls, tokens, success and retry rates, and the saving vs one model")
    .option("--since <when>", "only calls since a date (YYYY-MM-DD, UTC) or the last N days (7d)")
    .option("--by <group>", "group by model, role, area or task", "model")
    .option("--baseline <model>", "the single model to compare with (default claude_sonnet)")
    .option("--json", "print JSON for scripts")
    .action(async (options: ReportOptions) => {
      const global = program.opts<GlobalOptions>();
      const out = outputFor(ctx, options);
      const by = parseGrouping(options.by ?? "model");
      const since = options.since === undefined ? undefined : parseSince(options.since, Date.now());
      const repoRoot = await findRepoRoot(ctx, global.repo);
      if (!hasState(repoRoot)) {
        if (out.json) out.emit(emptyReport(by, since));
        else out.out("no runs yet");
        return;
      }
      const config = await loadProjectConfig(repoRoot, { env: ctx.env, requireTasks: false });
      const baseline = pickBaseline(config.models, options.baseline);
      const store = await openSqliteStore(stateDbPath(repoRoot), { mustExist: true });
      let events: StoredEvent[];
      try {
        events = await allEvents(store);
      } finally {
        await store.close();
      }
      const report = buildReport(events, { by, since, baseline });
      if (out.json) out.emit(report);
      else printReport(out, report);
    });
}
