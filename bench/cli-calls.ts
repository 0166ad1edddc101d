/**
 * What a model call costs with a coding-agent CLI, one process per call against one long-lived
 * session per task (docs/PROVIDERS.md, "Sessions"): each pinned CLI (Claude Code, Gemini CLI,
 * Codex) answers `--calls` text-mode calls of one task and role from the scripted model server
 * (answering at once), both ways, interleaved by CLI. The session figure includes its start-up,
 * paid by the first call. Target: in session mode the median call takes at most half the
 * per-call median for every CLI.
 *
 *   node bench/cli-calls.mjs [--calls=5] [--cli=claude,gemini,codex] [--json]
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ModelProvider, ModelRequest } from "../src/core/ports.js";
import type { ModelSpec } from "../src/core/project-config.js";
import { createCliProvider } from "../src/providers/cli/index.js";
import { cliHomes } from "../test/contract/cli-project.js";
import { installClis, type CliName } from "../test/support/cli-install.js";
import { startModelServer } from "../test/support/model-server/index.js";

const TARGET_RATIO = 0.5;
const KINDS = { claude: "claude-cli", gemini: "gemini-cli", codex: "codex-cli" } as const;
const MODELS = { claude: "claude-sonnet-4-5", gemini: "gemini-2.5-pro", codex: "gpt-5.5" };

interface Figures {
  readonly cli: CliName;
  readonly perCallMs: number[];
  readonly sessionMs: number[];
}

function isCli(name: string): name is CliName {
  return Object.hasOwn(KINDS, name);
}

function option(argv: readonly string[], name: string): string | undefined {
  return argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? 0)
    : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** Times `calls` calls of one task and role through `provider`, then ends the task. */
async function timeCalls(provider: ModelProvider, calls: number, cwd: string, task: string) {
  const times: number[] = [];
  for (let i = 0; i < calls; i += 1) {
    const request: ModelRequest = {
      role: "code_reviewer",
      taskId: task,
      system: "Answer briefly.",
      prompt: `BENCH-CALL ${String(i)}`,
      mode: "text",
      cwd,
    };
    const started = performance.now();
    const response = await provider.complete(request);
    times.push(performance.now() - started);
    if (response.text !== "ok") throw new Error(`${provider.name} answered ${response.text}`);
  }
  await provider.endTask?.(task);
  return times;
}

export async function main(argv: readonly string[]): Promise<void> {
  const calls = Number(option(argv, "calls") ?? "5");
  const names = (option(argv, "cli") ?? "claude,gemini,codex").split(",").map((name) => {
    if (!isCli(name)) throw new Error(`--cli: "${name}" is not one of claude, gemini, codex`);
    return name;
  });
  const clis = await installClis();
  const server = await startModelServer({
    rules: [
      {
        name: "bench",
        match: { prompt: "BENCH-CALL" },
        text: "ok",
        usage: { input: 20, output: 1 },
      },
    ],
  });
  const homes = await cliHomes(server.url);
  const cwd = await mkdtemp(join(tmpdir(), "bench-cli-calls-"));
  const results: Figures[] = [];
  try {
    for (const cli of names) {
      const spec = (session: boolean): ModelSpec => ({
        name: `${cli}_bench`,
        provider: KINDS[cli],
        model: MODELS[cli],
        family: cli,
        tier: "medium",
        price: { input: 1, output: 2, cacheRead: 0, cacheWrite: 0 },
        args: [],
        env: homes[cli],
        timeoutMs: 300_000,
        binary: clis[cli],
        session,
      });
      const perCallMs = await timeCalls(
        createCliProvider(spec(false), KINDS[cli]),
        calls,
        cwd,
        `PER-${cli}`,
      );
      const sessionMs = await timeCalls(
        createCliProvider(spec(true), KINDS[cli]),
        calls,
        cwd,
        `SES-${cli}`,
      );
      results.push({ cli, perCallMs, sessionMs });
    }
  } finally {
    await server.close();
    await rm(cwd, { recursive: true, force: true });
  }
  if (argv.includes("--json")) {
    console.log(JSON.stringify(results, null, 2));
    return;
  }
  const f = (ms: number): string => ms.toFixed(0).padStart(7);
  console.log(
    `per-call wall time, ${String(calls)} calls each way (median; session includes its start-up)`,
  );
  console.log("  cli      per call   session   first session call   ratio");
  const verdicts: string[] = [];
  for (const r of results) {
    const ratio = median(r.sessionMs) / median(r.perCallMs);
    console.log(
      `  ${r.cli.padEnd(7)} ${f(median(r.perCallMs))} ms ${f(median(r.sessionMs))} ms ${f(r.sessionMs[0] ?? 0)} ms          ${ratio.toFixed(2)}x`,
    );
    if (ratio > TARGET_RATIO) verdicts.push(`${r.cli} ${ratio.toFixed(2)}x`);
  }
  console.log(
    verdicts.length === 0
      ? `verdict: PASS: in session mode every CLI's median call takes <= ${String(TARGET_RATIO)}x its per-call median`
      : `verdict: OVER TARGET (<= ${String(TARGET_RATIO)}x): ${verdicts.join(", ")}`,
  );
}
